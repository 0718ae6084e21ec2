"""congvan: Vietnamese official letters (công văn) -> validated dispatch records.

Public API::

    from pipeline import extract_text, extract_file, DispatchRecord
"""

__version__ = "0.1.0"

from pipeline.schema import DispatchRecord  # noqa: E402
from pipeline.core import extract_file, extract_text  # noqa: E402

__all__ = ["DispatchRecord", "extract_file", "extract_text", "__version__"]
