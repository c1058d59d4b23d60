"""Slide-building blocks of the briefing deck (python-pptx): fonts, text that fits, tables, charts.

Everything here is layout; what goes on the slides is decided in :mod:`metrics.outputs.brief.deck`.

Fonts: every run, table cell and chart text carries an explicit East Asian typeface
(``a:ea`` = Microsoft YaHei) next to the Latin one, and the theme's fonts are set to the
same, so Chinese renders in a font that Chinese Office and WPS installs have.

Fitting: PowerPoint does not shrink text when a file is opened, so sizes are chosen here
from a conservative estimate of the wrapped text (a CJK character is 1 em wide, a Latin
character at most 0.55 em, lines 1.45 em in Chinese). Table rows only grow in
PowerPoint, so a table is sized from its estimated wrapped height, never from a guess.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from metrics.outputs.brief.fit import CELL_MARGIN_X, CELL_MARGIN_Y, Cell, Para, Series, fit_size
from metrics.outputs.palette import GRID, INK, MUTED

EA_FONT = "Microsoft YaHei"  # on every Chinese Windows Office / WPS install
LATIN_FONT = {"zh": EA_FONT, "en": "Arial"}
LANG_TAG = {"zh": "zh-CN", "en": "en-US"}
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 16:9, as PowerPoint's "Widescreen"
MARGIN = 0.45  # inches
CONTENT_TOP = 1.15  # below the slide title
FOOTER_TOP = 7.0
WIDTH = 13.333 - 2 * MARGIN  # usable width, inches
BOTTOM = FOOTER_TOP - 0.08  # content ends above the footer
HEADER_FILL = INK
BAND_FILL = "#F5F7FA"
SECTION_FILL = "#E4E7EB"
DEMO_FILL = "#E69F00"  # the pages' demo badge
_LAYOUT_TITLE, _LAYOUT_TITLE_ONLY = 0, 5
_NO_STYLE_TABLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # "No Style, No Grid": fills set per cell
_BOX_MARGIN = 0.05


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#"))


@dataclass
class Deck:
    """A 16:9 presentation in one language, with helpers that set both font slots."""

    lang: str
    prs: object = field(init=False)

    def __post_init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_W, SLIDE_H
        _theme_fonts(self.prs, LATIN_FONT[self.lang])

    # ------------------------------------------------------------------ fonts

    def font(self, font, size: float | None = None, bold: bool | None = None, color: str | None = None):
        """Latin and East Asian typeface, language, size, weight and colour of a python-pptx Font."""
        font.name = LATIN_FONT[self.lang]
        if size is not None:
            font.size = Pt(size)
        if bold is not None:
            font.bold = bold
        if color is not None:
            font.color.rgb = _rgb(color)
        rpr = font._rPr
        for old in rpr.findall(qn("a:ea")):
            rpr.remove(old)
        ea = etree.SubElement(rpr, qn("a:ea"))
        ea.set("typeface", EA_FONT)
        rpr.remove(ea)
        rpr.find(qn("a:latin")).addnext(ea)  # schema order: latin, ea, cs
        rpr.set("lang", LANG_TAG[self.lang])
        rpr.set("altLang", LANG_TAG["en" if self.lang == "zh" else "zh"])
        return font

    # ------------------------------------------------------------------ slides

    def title_slide(self):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_LAYOUT_TITLE])
        return slide

    def slide(self, title: str, size: float = 26):
        """A "Title Only" slide with the title placeholder laid out for 16:9."""
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_LAYOUT_TITLE_ONLY])
        width = 13.333 - 2 * MARGIN
        size = fit_size([Para(title)], width - 2 * _BOX_MARGIN, 0.8 - 2 * _BOX_MARGIN, size, 16, self.lang)
        self.fill_placeholder(slide.shapes.title, MARGIN, 0.2, width, 0.8, [Para(title, bold=True)], size)
        return slide

    def fill_placeholder(self, shape, x, y, w, h, paras: list[Para], size: float, align: str = "left"):
        shape.left, shape.top, shape.width, shape.height = Inches(x), Inches(y), Inches(w), Inches(h)
        self._fill(shape.text_frame, paras, size, align, MSO_ANCHOR.MIDDLE)

    def text(
        self,
        slide,
        x: float,
        y: float,
        w: float,
        h: float,
        paras: list[Para],
        size: float,
        *,
        min_size: float | None = None,
        align: str = "left",
        anchor=MSO_ANCHOR.TOP,
        fill: str | None = None,
    ):
        """A text box at (x, y) inches; with ``min_size`` the size shrinks until the text fits."""
        if min_size is not None:
            size = fit_size(paras, w - 2 * _BOX_MARGIN, h - 2 * _BOX_MARGIN, size, min_size, self.lang)
        shape = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = _rgb(fill)
        self._fill(shape.text_frame, paras, size, align, anchor)
        return shape

    def badge(self, slide, x: float, y: float, w: float, h: float, text: str, fill: str, ink: str, size=14):
        """A rounded label (the demo marker, a status chip): colour plus words, never colour alone."""
        shape = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, Inches(x), Inches(y), Inches(w), Inches(h)
        )
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(fill)
        shape.line.fill.background()
        style = shape._element.find(qn("p:style"))
        if style is not None:  # the theme's effect style draws a shadow under the badge
            shape._element.remove(style)
        self._fill(shape.text_frame, [Para(text, bold=True, color=ink)], size, "center", MSO_ANCHOR.MIDDLE)
        return shape

    def _fill(self, tf, paras: list[Para], size: float, align: str, anchor) -> None:
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE
        tf.vertical_anchor = anchor
        for side in ("left", "right", "top", "bottom"):
            setattr(tf, f"margin_{side}", Inches(_BOX_MARGIN))
        for i, para in enumerate(paras):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.alignment = _ALIGN[align]
            if para.space_before:
                p.space_before = Pt(para.space_before)
            run = p.add_run()
            run.text = para.text
            self.font(run.font, round(size * para.scale * 2) / 2, para.bold, para.color)

    # ------------------------------------------------------------------ tables

    def table(
        self,
        slide,
        x: float,
        y: float,
        widths: Sequence[float],
        rows: list[list[Cell]],
        size: float,
        heights: Sequence[float],
        merges: Sequence[tuple[int, int, int, int]] = (),
    ):
        """A table with a dark header row, light banding and hairlines; sizes come from :func:`fit_table`.

        ``merges``: (first row, column, last row, column) spans; their other cells stay empty.
        """
        shape = slide.shapes.add_table(
            len(rows), len(widths), Inches(x), Inches(y), Inches(sum(widths)), Inches(sum(heights))
        )
        table = shape.table
        style = table._tbl.tblPr.find(qn("a:tableStyleId"))
        if style is not None:
            style.text = _NO_STYLE_TABLE
        table.first_row = True
        table.horz_banding = False
        for j, w in enumerate(widths):
            table.columns[j].width = Inches(w)
        for i, (row, h) in enumerate(zip(rows, heights, strict=True)):
            table.rows[i].height = Emu(int(Inches(h)))
            for j, cell_spec in enumerate(row):
                header = i == 0
                fill = HEADER_FILL if header else cell_spec.fill or ("#FFFFFF" if i % 2 else BAND_FILL)
                color = "#FFFFFF" if header else cell_spec.color
                if header and len(rows) > 1:  # a header sits over its column's numbers
                    cell_spec = Cell(cell_spec.text, align=rows[1][j].align)
                self._cell(table.cell(i, j), cell_spec, size, fill, color, header)
        for r0, c0, r1, c1 in merges:
            table.cell(r0, c0).merge(table.cell(r1, c1))
        return shape

    def _cell(self, cell, spec: Cell, size: float, fill: str, color: str, header: bool) -> None:
        cell.margin_left = cell.margin_right = Inches(CELL_MARGIN_X)
        cell.margin_top = cell.margin_bottom = Inches(CELL_MARGIN_Y)
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(fill)
        tf = cell.text_frame
        tf.word_wrap = True
        for k, line in enumerate(spec.text.split("\n")):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            p.alignment = _ALIGN[spec.align]
            run = p.add_run()
            run.text = line
            self.font(run.font, size, spec.bold or header, color)
        tcpr = cell._tc.get_or_add_tcPr()
        line = etree.Element(qn("a:lnB"), w=str(Pt(0.75)))
        solid = etree.SubElement(line, qn("a:solidFill"))
        etree.SubElement(solid, qn("a:srgbClr"), val=GRID.lstrip("#"))
        tcpr.insert(0, line)  # lnL, lnR, lnT, lnB come before the fill

    # ------------------------------------------------------------------ charts

    def line_chart(
        self,
        slide,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        categories: Sequence[str],
        series: Sequence[Series],
        title: str,
        axis_title: str,
        axis: tuple[float, float, float],
    ):
        """A native, editable line chart (data in the embedded workbook; None = a gap)."""
        data = CategoryChartData()
        data.categories = list(categories)
        for s in series:
            data.add_series(s.name, list(s.values), s.number_format)
        frame = slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS, Inches(x), Inches(y), Inches(w), Inches(h), data
        )
        chart = frame.chart
        self.font(chart.font, 12, color=INK)
        chart.has_title = True
        chart.chart_title.text_frame.text = title
        for p in chart.chart_title.text_frame.paragraphs:
            for r in p.runs:
                self.font(r.font, 14, True, INK)
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        self.font(chart.legend.font, 12, color=INK)
        for plot_series, spec in zip(chart.plots[0].series, series, strict=True):
            plot_series.smooth = False
            line = plot_series.format.line
            line.color.rgb = _rgb(spec.color)
            line.width = Pt(spec.width)
            if spec.dash:
                line.dash_style = _DASH[spec.dash]
            marker = plot_series.marker
            if spec.markers:
                marker.style = XL_MARKER_STYLE.CIRCLE
                marker.size = 7
                marker.format.fill.solid()
                marker.format.fill.fore_color.rgb = _rgb(spec.color)
                marker.format.line.color.rgb = _rgb(spec.color)
            else:
                marker.style = XL_MARKER_STYLE.NONE
        lo, hi, step = axis
        value_axis = chart.value_axis
        value_axis.minimum_scale, value_axis.maximum_scale, value_axis.major_unit = lo, hi, step
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = _rgb(GRID)
        value_axis.format.line.fill.background()
        value_axis.tick_labels.number_format = _axis_format(step)
        value_axis.tick_labels.number_format_is_linked = False
        self.font(value_axis.tick_labels.font, 11, color=MUTED)
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = axis_title
        for p in value_axis.axis_title.text_frame.paragraphs:
            for r in p.runs:
                self.font(r.font, 11, False, MUTED)
        category_axis = chart.category_axis
        category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        category_axis.format.line.color.rgb = _rgb(MUTED)
        category_axis.has_major_gridlines = False
        self.font(category_axis.tick_labels.font, 10 if len(categories) > 8 else 11, color=INK)
        return frame

    # ------------------------------------------------------------------ output

    def save(self, title: str, subject: str, generated: dt.date) -> bytes:
        props = self.prs.core_properties
        props.title, props.subject = title, subject
        props.author = props.last_modified_by = "metrics brief"
        props.language = LANG_TAG[self.lang]
        props.created = props.modified = dt.datetime.combine(generated, dt.time(0, 0))
        props.revision = 1
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return buffer.getvalue()


_ALIGN = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
_DASH = {
    "dash": MSO_LINE_DASH_STYLE.DASH,
    "dot": MSO_LINE_DASH_STYLE.ROUND_DOT,
    "long_dash": MSO_LINE_DASH_STYLE.LONG_DASH,
}


def _axis_format(step: float) -> str:
    """Tick labels with as many decimals as the step needs, thousands separated (as the pages)."""
    decimals = 0 if step >= 1 else min(2, math.ceil(-math.log10(step) - 1e-9))
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _theme_fonts(prs, latin: str) -> None:
    """Theme heading/body fonts: Latin ``latin``, East Asian and Simplified Chinese YaHei."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    for tag in ("a:majorFont", "a:minorFont"):
        scheme = root.find(f".//{qn(tag)}")
        scheme.find(qn("a:latin")).set("typeface", latin)
        scheme.find(qn("a:ea")).set("typeface", EA_FONT)
        for script_font in scheme.findall(qn("a:font")):
            if script_font.get("script") == "Hans":
                script_font.set("typeface", EA_FONT)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
