// Runs the design lab's shipped JavaScript under node for tests/test_explorer_design.py.
// stdin: {"bundle": "<the ESM source anywidget receives>", "cases": [...]}; stdout: one JSON array.
// A case: {"op": "design", "n", "os", "rates", "up", "mode"}      -> A.designNumbers (every design number)
//         {"op": "objects", "distance", "s", "f"}                 -> A.twoObjects (peaks per grid offset)
//         {"op": "heatmap", "distance", "s", "offset", "f"}       -> A.objectsHeatmap's map, as hex bits
//         {"op": "peaks", "h", "threshold", "plateaus"}           -> A.findPeaks on a given map
//         {"op": "readout", "state"}                              -> the read-out's sentences
//         {"op": "pct", "x"}                                      -> A.pct
import { readFileSync } from "node:fs";

const input = JSON.parse(readFileSync(0, "utf8"));
const mod = await import("data:text/javascript;base64," + Buffer.from(input.bundle).toString("base64"));
const A = mod.A;

function bits(x) {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString("hex");
}

const results = input.cases.map((c) => {
  switch (c.op) {
    case "design": {
      const d = A.designNumbers(c.n, c.os, c.rates, c.up, c.mode);
      return d;
    }
    case "objects":
      return A.twoObjects(c.distance, c.s, c.f).counts;
    case "heatmap":
      return A.objectsHeatmap(c.distance, c.s, c.offset, c.f).heatmap.map((r) => r.map(bits));
    case "peaks":
      return A.findPeaks(c.h, c.threshold, c.plateaus || "merge");
    case "readout": {
      const v = mod.explain(c.state);
      return mod.readout(c.state, v).map((l) => l.text);
    }
    case "pct":
      return A.pct(c.x);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
});
process.stdout.write(JSON.stringify(results));
