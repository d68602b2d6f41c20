"""Write the example notebooks in ``examples/`` (sources only; ``make test`` executes them).

Run ``.venv/bin/python scripts/make_notebooks.py`` after editing a cell here: the notebooks
are generated so that their JSON stays reviewable and free of outputs.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent / "examples"

_CHART_CELL = textwrap.dedent(
    """\
    from IPython.display import SVG
    from xml.sax.saxutils import escape

    counts = report.loc[~report.valid, 'code'].value_counts().sort_index()

    def bar_chart(series, width=560, bar=26):
        top = max(series.max(), 1)
        rows = []
        for i, (label, value) in enumerate(series.items()):
            y = 10 + i * (bar + 8)
            w = int((width - 300) * value / top)
            rows.append(
                f'<text x="0" y="{y + 17}" font-size="12">{escape(label)}</text>'
                f'<rect x="290" y="{y}" width="{w}" height="{bar}" fill="#c0392b"/>'
                f'<text x="{296 + w}" y="{y + 17}" font-size="12">{value}</text>'
            )
        height = 20 + len(series) * (bar + 8)
        head = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        return head + 'font-family="sans-serif">' + ''.join(rows) + '</svg>'

    chart = bar_chart(counts)
    assert chart.count('<rect') == len(counts) == 3
    SVG(chart)"""
)

CATALOGUE = [
    new_markdown_cell(
        "# Validating a product catalogue\n\n"
        "A provincial reviewer receives a cooperative's product list as a spreadsheet and wants to "
        "know, before anything is uploaded to the national portal, which GTINs are wrong and why. "
        "`tracelib.gs1.bulk` validates a whole column at once with exactly the verdicts of the "
        "scalar validator, and adds a `gs1` accessor to pandas Series.\n\n"
        "All data here is fictional and embedded (the prefix 893 is GS1 Vietnam's)."
    ),
    new_code_cell(
        "import io\n"
        "import pandas as pd\n"
        "import tracelib.gs1.bulk as bulk\n"
        "\n"
        "csv = '''sku,name,gtin\n"
        "CV-1,Cam Vinh túi 1 kg,8930123451019\n"
        "CV-10,Cam Vinh thùng 10 kg,18930123451016\n"
        "NC-330,Nước cam ép 330 ml,8930123457026\n"
        "CX-500,Chè xanh Thanh Chương 500 g,8930123451303\n"
        "MO-350,Mật ong hoa cam 350 g,893012451040\n"
        "MV-200,Mứt vỏ cam 200 g,8930123451057\n"
        "TD-10,Tinh dầu vỏ cam 10 ml,893O123451064\n"
        "NT-400,Nhút Thanh Chương 400 g,\n"
        "US-1,Nhãn in nhập khẩu,071234567898\n"
        "'''\n"
        "catalogue = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)\n"
        "catalogue"
    ),
    new_markdown_cell("One call checks the column; the result has one row per input."),
    new_code_cell(
        "result = bulk.validate_gtins(catalogue['gtin'])\n"
        "report = catalogue.join(result.to_pandas()[['valid', 'code', 'position', 'gtin14']])\n"
        "report"
    ),
    new_code_cell(
        "assert result.n_valid == 4 and result.n_invalid == 5\n"
        "code = report.set_index('sku')['code']\n"
        "assert code['NC-330'] == 'GS1_LINTER_INCORRECT_CHECK_DIGIT'\n"
        "assert report.set_index('sku')['position']['TD-10'] == 3  # the letter O\n"
        "catalogue['gtin'].gs1.is_valid().tolist()"
    ),
    new_markdown_cell(
        "## Error summary\n\nThe counts per error code, drawn as a bar chart (plain SVG, no "
        "plotting library needed)."
    ),
    new_code_cell(_CHART_CELL),
    new_markdown_cell(
        "## What each error means\n\nEvery error has a stable code and the position of the "
        "character concerned, so a spreadsheet can highlight the cell and the digit."
    ),
    new_code_cell(
        "from tracelib.gs1 import gtin\n"
        "from tracelib.errors import Gs1Error\n"
        "\n"
        "def explain(value):\n"
        "    try:\n"
        "        gtin.validate(value)\n"
        "        return 'ok'\n"
        "    except Gs1Error as err:\n"
        "        hint = f'; suggestion: {err.suggestion}' if err.suggestion else ''\n"
        "        return f'{err.code} at {err.location or \"-\"}: {err.message}{hint}'\n"
        "\n"
        "report.assign(explanation=report.gtin.map(explain))[['sku', 'gtin', 'explanation']]"
    ),
]

GRAPH = [
    new_markdown_cell(
        "# A lot's journey as a picture\n\n"
        "A lot of Vinh oranges goes from a Nghệ An orchard through a packing house onto a pallet "
        "and to Hà Nội. Its EPCIS 2.0 events say what became what and where; "
        "`tracelib.epcis.graph` draws them (SVG, no external binaries), and a signed chain lets "
        "anyone verify the records offline."
    ),
    new_code_cell(
        "from tracelib.epcis import lot_graph\n"
        "from tracelib.epcis.models import AggregationEvent, ObjectEvent, TransformationEvent\n"
        "\n"
        "bulk_lot = 'urn:epc:class:lgtin:893012345.0101.CV2611A'\n"
        "cartons = 'urn:epc:class:lgtin:893012345.1101.CV2611A'\n"
        "pallet = 'urn:epc:id:sscc:893012345.30000001'\n"
        "orchard, packing = 'urn:epc:id:sgln:893012345.001.0', 'urn:epc:id:sgln:893012345.002.0'\n"
        "events = [\n"
        "    ObjectEvent.create('2026-11-26T06:30:00+07:00', action='ADD',\n"
        "                       quantities=[(bulk_lot, 2000, 'KGM')],\n"
        "                       biz_step='commissioning', biz_location=orchard),\n"
        "    TransformationEvent.create('2026-11-26T13:00:00+07:00',\n"
        "                               input_quantities=[(bulk_lot, 2000, 'KGM')],\n"
        "                               output_quantities=[(cartons, 200)],\n"
        "                               biz_step='commissioning', biz_location=packing),\n"
        "    AggregationEvent.create('2026-11-26T15:00:00+07:00', action='ADD', parent_id=pallet,\n"
        "                            child_quantities=[(cartons, 200)], biz_step='packing',\n"
        "                            biz_location=packing),\n"
        "    ObjectEvent.create('2026-11-26T18:00:00+07:00', epcs=[pallet], biz_step='shipping'),\n"
        "]\n"
        "graph = lot_graph(events)\n"
        "[(e.kind, e.source.rsplit(':', 1)[1], e.target.rsplit(':', 1)[1]) for e in graph.edges]"
    ),
    new_code_cell(
        "assert [e.kind for e in graph.edges] == ['transformation', 'aggregation']\n"
        "assert [s.biz_step for s in graph.node(pallet).steps] == ['packing', 'shipping']\n"
        "graph  # a LotGraph displays itself as SVG"
    ),
    new_markdown_cell(
        "## The same events, signed\n\nThe cooperative signs each event into the lot's chain; the "
        "report of `verify` renders as a table in the notebook."
    ),
    new_code_cell(
        "from tracelib.signing import Chain, SoftwareSigner, TrustBundle, verify\n"
        "\n"
        "coop = SoftwareSigner.generate(actor='https://id.gs1.org/417/8930123450029')\n"
        "lot = Chain.create('id.gs1.org/01/18930123451016/10/CV2611A', signer=coop)\n"
        "for ev in events:\n"
        "    lot.append(ev, signer=coop)\n"
        "label = lot.head().digital_link('https://id.gs1.org/01/18930123451016/10/CV2611A')\n"
        "report = verify(lot.bundle(), trust=TrustBundle.from_signers([coop]), evidence=[label])\n"
        "assert report.verdict == 'VALID'\n"
        "report"
    ),
    new_code_cell(
        "import json\n"
        "tampered = json.loads(lot.bundle())\n"
        "del tampered['records'][2]  # someone drops the palletising record\n"
        "trust = TrustBundle.from_signers([coop])\n"
        "bad = verify(json.dumps(tampered), trust=trust, evidence=[label])\n"
        "assert bad.verdict == 'INVALID'\n"
        "[(f.code, f.seq) for f in bad.errors]"
    ),
]


def main() -> None:
    """Write both notebooks."""
    ROOT.mkdir(exist_ok=True)
    for name, cells in (("catalogue-validation", CATALOGUE), ("trace-graph", GRAPH)):
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.metadata["language_info"] = {"name": "python"}
        nbformat.validate(nb)
        (ROOT / f"{name}.ipynb").write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
