"""The seed reports' figures, read off the documents by a person (not by reportkit).

Each table lists its rows in template order with the numbers as printed in the report.
Rows of a table that are not listed hold 0 in every column, as the documents show.
``NAN`` marks a cell the document leaves blank.
"""

from __future__ import annotations

import math

NAN = math.nan

SEEDS: dict[str, dict] = {
    "000_88b97d4f094d4f90.txt": {
        "agency": "北京市大兴区亦庄镇人民政府", "agency_short": "亦庄镇", "year": 2021,
        "template": "2021",
        "proactive": {
            "regulations": [0, 0, 0], "normative_documents": [0, 0, 0],
            "administrative_licensing": [0], "administrative_penalty": [329],
            "administrative_coercion": [13], "administrative_fees": [0],
        },
        "requests": {
            "new_requests": [9, 0, 0, 0, 0, 0, 9],
            "carried_over": [2, 0, 0, 0, 0, 0, 2],
            "granted": [5, 0, 0, 0, 0, 0, 5],
            "withheld_query_matter": [1, 0, 0, 0, 0, 0, 1],
            "unavailable_not_held": [5, 0, 0, 0, 0, 0, 5],
            "total_processed": [11, 0, 0, 0, 0, 0, 11],
        },
        "review_litigation": {
            "review": [2, 0, 0, 0, 2],
            "litigation_direct": [1, 1, 1, 0, 3],
            "litigation_after_review": [2, 0, 0, 0, 2],
        },
    },
    "001_d11106ab72934bbf.txt": {
        "agency": "北京市通州区漷县镇", "agency_short": "漷县镇", "year": 2019,
        "template": "2019",
        "proactive": {
            "regulations": [0, 0, 0], "normative_documents": [0, 0, 0],
            "administrative_licensing": [0, 0, 0],
            # 其他对外管理服务事项 lists the body's own rows (行政检查, 行政确认) instead
            "other_external_services": [NAN, NAN, NAN],
            "administrative_penalty": [0, 0, 0], "administrative_coercion": [0, 0, 0],
            "administrative_fees": [0, 0], "centralized_procurement": [0, 0],
        },
        "requests": {
            "new_requests": [2, 0, 0, 0, 0, 0, 2],
            "carried_over": [NAN, 0, 0, 0, 0, 0, 0],  # 自然人 left blank
            "granted": [2, 0, 0, 0, 0, 0, 2],
            "total_processed": [2, 0, 0, 0, 0, 0, 2],
        },
        "review_litigation": {},
    },
    "002_556f46a9c5195498.txt": {
        "agency": "北京市密云区人民政府", "agency_short": "密云区", "year": 2021,
        "template": "2021",
        "proactive": {
            "regulations": [0, 0, 0], "normative_documents": [442, 37, 1633],
            "administrative_licensing": [49241], "administrative_penalty": [11926],
            "administrative_coercion": [98], "administrative_fees": [254.38],
        },
        "requests": {
            "new_requests": [559, 11, 0, 2, 0, 0, 572],
            "carried_over": [41, 0, 0, 0, 0, 0, 41],
            "granted": [164, 3, 0, 0, 0, 0, 167],
            "partially_granted": [96, 5, 0, 0, 0, 0, 101],
            "withheld_state_secret": [1, 0, 0, 0, 0, 0, 1],
            "withheld_prohibited_by_law": [7, 0, 0, 0, 0, 0, 7],
            "withheld_third_party_rights": [1, 0, 0, 0, 0, 0, 1],
            "withheld_internal_affairs": [3, 0, 0, 0, 0, 0, 3],
            "withheld_process_information": [3, 0, 0, 0, 0, 0, 3],
            "withheld_enforcement_file": [4, 0, 0, 2, 0, 0, 6],
            "withheld_query_matter": [8, 0, 0, 0, 0, 0, 8],
            "unavailable_not_held": [214, 2, 0, 0, 0, 0, 216],
            "unavailable_needs_creation": [10, 0, 0, 0, 0, 0, 10],
            "unavailable_unclear": [3, 0, 0, 0, 0, 0, 3],
            "not_processed_petition": [4, 1, 0, 0, 0, 0, 5],
            "other_no_correction": [12, 0, 0, 0, 0, 0, 12],
            "other_other": [45, 0, 0, 0, 0, 0, 45],
            "total_processed": [575, 11, 0, 2, 0, 0, 588],
            "carried_forward": [25, 0, 0, 0, 0, 0, 25],
        },
        "review_litigation": {
            "review": [6, 4, 2, 3, 15],
            "litigation_direct": [6, 3, 1, 1, 11],
            "litigation_after_review": [6, 1, 0, 2, 9],
        },
    },
    "003_795117ff85927c6d.txt": {
        "agency": "南郊镇", "agency_short": "南郊镇", "year": 2021, "template": "2021",
        "proactive": {},
        "requests": {
            "new_requests": [4, 0, 0, 0, 0, 0, 4],
            "unavailable_not_held": [2, 0, 0, 0, 0, 0, 2],
            "not_processed_petition": [1, 0, 0, 0, 0, 0, 1],
            "total_processed": [3, 0, 0, 0, 0, 0, 3],
            "carried_forward": [1, 0, 0, 0, 0, 0, 1],
        },
        "review_litigation": {},
    },
    "004_62a89b8f07c64ee9.txt": {
        "agency": "西集镇人民政府", "agency_short": "西集镇", "year": 2021, "template": "2021",
        "proactive": {"administrative_penalty": [358]},
        "requests": {
            "new_requests": [19, 0, 0, 0, 0, 0, 19],
            "granted": [13, 0, 0, 0, 0, 0, 13],
            "withheld_third_party_rights": [1, 0, 0, 0, 0, 0, 1],
            "unavailable_not_held": [3, 0, 0, 0, 0, 0, 3],
            "other_other": [2, 0, 0, 0, 0, 0, 2],
            "total_processed": [19, 0, 0, 0, 0, 0, 19],
        },
        "review_litigation": {"review": [1, 0, 0, 0, 1]},
    },
}
