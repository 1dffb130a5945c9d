"""Contents/header.xml for the HWPX writer: fonts, borders, character and paragraph
shapes, and the named styles the section refers to by id.

The id tables below are the contract between this file and :mod:`.hwpx`: a paragraph
asks for a style (``STYLE_*``), a paragraph shape (``PARA_*``) and a character shape
(``CHAR_*``). Values are HWPUNIT (1/7200 inch; 1 mm ≈ 283.5) and 1/100 pt for sizes.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from doum.documents.owpml import NS

FONTS = ("함초롬바탕", "함초롬돋움")
LANGS = ("HANGUL", "LATIN", "HANJA", "JAPANESE", "OTHER", "SYMBOL", "USER")

# borderFill ids (1-based in OWPML)
BORDER_NONE = 1
BORDER_CHAR = 2
BORDER_CELL = 3
BORDER_HEADER_CELL = 4

# charPr ids: (height in 1/100 pt, bold, font index)
CHARS: list[tuple[int, bool, int]] = [
    (1000, False, 0),  # 0 body
    (1000, True, 0),  # 1 body bold (articles, labels)
    (2000, True, 1),  # 2 document title / 기관명
    (1500, True, 1),  # 3 heading 1
    (1300, True, 1),  # 4 heading 2
    (1100, True, 1),  # 5 heading 3+
    (900, False, 0),  # 6 small (page numbers, notes, 결문)
    (1600, True, 0),  # 7 발신명의
]
CHAR_BODY, CHAR_BOLD, CHAR_TITLE, CHAR_H1, CHAR_H2, CHAR_H3, CHAR_SMALL, CHAR_SENDER = range(8)

# paraPr ids: (horizontal align, left margin, space before, space after)
PARAS: list[tuple[str, int, int, int]] = [
    ("JUSTIFY", 0, 0, 0),  # 0 body
    ("CENTER", 0, 0, 1000),  # 1 title / 기관명 / 발신명의
    ("LEFT", 0, 1000, 400),  # 2 headings
    ("JUSTIFY", 1000, 0, 0),  # 3 level 1 (○)
    ("JUSTIFY", 2000, 0, 0),  # 4 level 2 (-)
    ("JUSTIFY", 3000, 0, 0),  # 5 level 3 (·)
    ("RIGHT", 0, 0, 0),  # 6 right-aligned
    ("LEFT", 0, 0, 0),  # 7 table cells
]
PARA_BODY, PARA_CENTER, PARA_HEADING, PARA_L1, PARA_L2, PARA_L3, PARA_RIGHT, PARA_CELL = range(8)

# styles: (name, English name, paraPr, charPr)
STYLES: list[tuple[str, str, int, int]] = [
    ("바탕글", "Normal", PARA_BODY, CHAR_BODY),
    ("본문", "Body", PARA_BODY, CHAR_BODY),
    ("제목", "Title", PARA_CENTER, CHAR_TITLE),
    ("제목 1", "Heading 1", PARA_HEADING, CHAR_H1),
    ("제목 2", "Heading 2", PARA_HEADING, CHAR_H2),
    ("제목 3", "Heading 3", PARA_HEADING, CHAR_H3),
    ("머리말", "Header", PARA_BODY, CHAR_SMALL),
    ("각주", "Footnote", PARA_BODY, CHAR_SMALL),
    ("표 내용", "Table Contents", PARA_CELL, CHAR_BODY),
]
(
    STYLE_NORMAL,
    STYLE_BODY,
    STYLE_TITLE,
    STYLE_H1,
    STYLE_H2,
    STYLE_H3,
    STYLE_HEADER,
    STYLE_NOTE,
    STYLE_CELL,
) = range(9)


def _ns() -> str:
    return " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())


def _fontfaces() -> str:
    fonts = "".join(
        f'<hh:font id="{i}" face={quoteattr(face)} type="TTF" isEmbedded="0">'
        '<hh:typeInfo familyType="FCAT_GOTHIC" weight="6" proportion="4" contrast="0" '
        'strokeVariation="1" armStyle="1" letterform="1" midline="1" xHeight="1"/></hh:font>'
        for i, face in enumerate(FONTS)
    )
    faces = "".join(
        f'<hh:fontface lang="{lang}" fontCnt="{len(FONTS)}">{fonts}</hh:fontface>' for lang in LANGS
    )
    return f'<hh:fontfaces itemCnt="{len(LANGS)}">{faces}</hh:fontfaces>'


def _border(id_: int, line: str, fill: str | None) -> str:
    sides = "".join(
        f'<hh:{side}Border type="{line}" width="0.12 mm" color="#000000"/>'
        for side in ("left", "right", "top", "bottom")
    )
    brush = (
        f'<hc:fillBrush><hc:winBrush faceColor="{fill}" hatchColor="#999999" alpha="0"/></hc:fillBrush>'
        if fill
        else ""
    )
    return (
        f'<hh:borderFill id="{id_}" threeD="0" shadow="0" centerLine="NONE" breakCellSeparateLine="0">'
        '<hh:slash type="NONE" Crooked="0" isCounter="0"/><hh:backSlash type="NONE" Crooked="0" isCounter="0"/>'
        f'{sides}<hh:diagonal type="SOLID" width="0.1 mm" color="#000000"/>{brush}</hh:borderFill>'
    )


def _char(id_: int, height: int, bold: bool, font: int) -> str:
    per_lang = " ".join(f'{lang.lower()}="{{v}}"' for lang in LANGS)
    return (
        f'<hh:charPr id="{id_}" height="{height}" textColor="#000000" shadeColor="none" useFontSpace="0" '
        f'useKerning="0" symMark="NONE" borderFillIDRef="{BORDER_CHAR}">'
        f"<hh:fontRef {per_lang.format(v=font)}/><hh:ratio {per_lang.format(v=100)}/>"
        f"<hh:spacing {per_lang.format(v=0)}/><hh:relSz {per_lang.format(v=100)}/>"
        f"<hh:offset {per_lang.format(v=0)}/>"
        + ("<hh:bold/>" if bold else "")
        + '<hh:underline type="NONE" shape="SOLID" color="#000000"/><hh:strikeout shape="NONE" color="#000000"/>'
        '<hh:outline type="NONE"/><hh:shadow type="NONE" color="#C0C0C0" offsetX="10" offsetY="10"/></hh:charPr>'
    )


def _para(id_: int, align: str, left: int, before: int, after: int) -> str:
    margin = (
        f'<hh:margin><hc:intent value="0" unit="HWPUNIT"/><hc:left value="{left}" unit="HWPUNIT"/>'
        f'<hc:right value="0" unit="HWPUNIT"/><hc:prev value="{before}" unit="HWPUNIT"/>'
        f'<hc:next value="{after}" unit="HWPUNIT"/></hh:margin>'
        '<hh:lineSpacing type="PERCENT" value="160" unit="HWPUNIT"/>'
    )
    return (
        f'<hh:paraPr id="{id_}" tabPrIDRef="0" condense="0" fontLineHeight="0" snapToGrid="1" '
        'suppressLineNumbers="0" checked="0" textDir="LTR">'
        f'<hh:align horizontal="{align}" vertical="BASELINE"/><hh:heading type="NONE" idRef="0" level="0"/>'
        '<hh:breakSetting breakLatinWord="KEEP_WORD" breakNonLatinWord="KEEP_WORD" widowOrphan="0" '
        'keepWithNext="0" keepLines="0" pageBreakBefore="0" lineWrap="BREAK"/>'
        '<hh:autoSpacing eAsianEng="0" eAsianNum="0"/>'
        f"{margin}"
        f'<hh:border borderFillIDRef="{BORDER_CHAR}" offsetLeft="0" offsetRight="0" offsetTop="0" '
        'offsetBottom="0" connect="0" ignoreMargin="0"/></hh:paraPr>'
    )


def header_xml(*, sections: int = 1) -> str:
    borders = (
        _border(BORDER_NONE, "NONE", None)
        + _border(BORDER_CHAR, "NONE", "none")
        + _border(BORDER_CELL, "SOLID", None)
        + _border(BORDER_HEADER_CELL, "SOLID", "#E5E5E5")
    )
    chars = "".join(_char(i, *spec) for i, spec in enumerate(CHARS))
    paras = "".join(_para(i, *spec) for i, spec in enumerate(PARAS))
    styles = "".join(
        f'<hh:style id="{i}" type="PARA" name={quoteattr(name)} engName={quoteattr(eng)} '
        f'paraPrIDRef="{para}" charPrIDRef="{char}" nextStyleIDRef="{i}" langID="1042" lockForm="0"/>'
        for i, (name, eng, para, char) in enumerate(STYLES)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
        f'<hh:head {_ns()} version="1.4" secCnt="{sections}">'
        '<hh:beginNum page="1" footnote="1" endnote="1" pic="1" tbl="1" equation="1"/>'
        f"<hh:refList>{_fontfaces()}"
        f'<hh:borderFills itemCnt="4">{borders}</hh:borderFills>'
        f'<hh:charProperties itemCnt="{len(CHARS)}">{chars}</hh:charProperties>'
        '<hh:tabProperties itemCnt="1"><hh:tabPr id="0" autoTabLeft="0" autoTabRight="0"/></hh:tabProperties>'
        f'<hh:paraProperties itemCnt="{len(PARAS)}">{paras}</hh:paraProperties>'
        f'<hh:styles itemCnt="{len(STYLES)}">{styles}</hh:styles>'
        "</hh:refList>"
        '<hh:compatibleDocument targetProgram="HWP201X"><hh:layoutCompatibility/></hh:compatibleDocument>'
        '<hh:docOption><hh:linkinfo path="" pageInherit="0" footnoteInherit="0"/></hh:docOption>'
        '<hh:trackchageConfig flags="56"/></hh:head>'
    )
