// Runs the heatmap explorer's shipped JavaScript under node for tests/test_explorer_heatmap.py.
// stdin: {"bundle": "<the ESM source anywidget receives>", "cases": [...]}; stdout: one JSON array.
// A case: {"op": "compute", "state"}                    -> compute(NET, state) (every number and sentence)
//         {"op": "sizes", "n", "os", "rates", "paddings"} -> [backbone, ceil, cells, r, P] for every rate × padding
//         {"op": "costs", "n", "os"}                     -> the two cost ratios
//         {"op": "fmt", "x", "d"}                         -> fmt(x, d)
//         {"op": "net"}                                   -> NET without the picture, A.DECODERS
import { readFileSync } from "node:fs";

const input = JSON.parse(readFileSync(0, "utf8"));
const mod = await import("data:text/javascript;base64," + Buffer.from(input.bundle).toString("base64"));
const { A, NET } = mod;

const results = input.cases.map((c) => {
  switch (c.op) {
    case "compute": {
      const v = A.compute(NET, c.state);
      const g = v.g;
      return { ok: v.ok, lines: v.lines, key: v.key, cells: g.cells, backbone: g.backbone, ceil: g.ceil, r: g.r,
               S: g.S, P: g.P, center: g.center, pad: g.pad, argmax: v.dec && v.dec.cell, at: v.dec && v.dec.at,
               shift: v.dec && v.dec.shift, cell: v.cell, cellCentre: v.cellCentre, box: v.box,
               ratios: v.ratios, err: v.err };
    }
    case "sizes": {
      const rows = [];
      for (const rate of c.rates) for (const p of c.paddings) {
        const g = A.geometry(NET, c.n, c.os, rate, p);
        rows.push([g.backbone, g.ceil, g.cells, g.r, g.P]);
      }
      return rows;
    }
    case "costs":
      return A.costRatios(NET, c.n, c.os);
    case "fmt":
      return A.fmt(c.x, c.d);
    case "net": {
      const { scene, ...rest } = NET;
      return { net: { ...rest, scene: { fx: scene.fx, fy: scene.fy } }, decoders: A.DECODERS };
    }
    default:
      throw new Error("unknown op " + c.op);
  }
});
process.stdout.write(JSON.stringify(results));
