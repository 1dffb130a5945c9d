"""OWPML (HWPX) names shared by the reader and the writer."""

from __future__ import annotations

NS = {
    "ha": "http://www.hancom.co.kr/hwpml/2011/app",
    "hp": "http://www.hancom.co.kr/hwpml/2011/paragraph",
    "hp10": "http://www.hancom.co.kr/hwpml/2016/paragraph",
    "hs": "http://www.hancom.co.kr/hwpml/2011/section",
    "hc": "http://www.hancom.co.kr/hwpml/2011/core",
    "hh": "http://www.hancom.co.kr/hwpml/2011/head",
    "hhs": "http://www.hancom.co.kr/hwpml/2011/history",
    "hm": "http://www.hancom.co.kr/hwpml/2011/master-page",
    "hpf": "http://www.hancom.co.kr/schema/2011/hpf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "opf": "http://www.idpf.org/2007/opf/",
    "ooxmlchart": "http://www.hancom.co.kr/hwpml/2016/ooxmlchart",
    "epub": "http://www.idpf.org/2007/ops",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
}
MIMETYPE = "application/hwp+zip"
CONTENT_HPF = "Contents/content.hpf"
HEADER_XML = "Contents/header.xml"
PREVIEW_TEXT = "Preview/PrvText.txt"


_LOCAL: dict[object, str] = {}


def local(tag: object) -> str:
    """Local name of an lxml tag ("{ns}p" → "p"); comments and PIs give ""."""
    name = _LOCAL.get(tag)
    if name is None:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if isinstance(tag, str) and len(_LOCAL) < 10_000:
            _LOCAL[tag] = name
    return name
