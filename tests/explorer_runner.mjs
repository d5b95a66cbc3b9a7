// Runs the convolution explorer's shipped JavaScript under node for tests/test_explorers.py.
// stdin: {"bundle": "<the ESM source anywidget receives>", "cases": [...]}; stdout: one JSON array.
// A case: {"op": "axis", "n", "layers", "level", "index"}       -> A.explainAxis (every number shown)
//         {"op": "outputs", "n", "layers"}                      -> explainAxis for every output of the last map
//         {"op": "explain", "state"}                            -> explain(state) (1-D or 2-D)
//         {"op": "allowed", "state", "layer", "key"}            -> A.allowedValues
//         {"op": "readout", "state"}                            -> the read-out's sentences and facts, the picture's
//                                                                  role of every input cell, the "selected" line
//         {"op": "kinds", "n", "layers", "layer"}               -> A.kindChoice for every kind
//         {"op": "fit", "n", "layers", "layer", "with"}         -> A.fitLayer(layers[layer] with the fields of "with")
//         {"op": "limits"}                                      -> A.LIMITS, A.KINDS, A.MAX_SIZE
import { readFileSync } from "node:fs";

const input = JSON.parse(readFileSync(0, "utf8"));
const mod = await import("data:text/javascript;base64," + Buffer.from(input.bundle).toString("base64"));
const A = mod.A;

function slimAxis(v) {
  if (!v.ok) return { ok: false, error: v.error };
  return {
    ok: true, sizes: v.sizes, level: v.level, index: v.index, formulas: v.formulas,
    taps: v.taps.map((t) => [t.pos, t.inside ? 1 : 0]), paths: v.paths[0], mid: v.paths,
    total: v.total[0], rf: v.rf, box: v.box, holes: v.holes, reached: v.reached, never: v.neverVisited,
  };
}

const results = input.cases.map((c) => {
  switch (c.op) {
    case "axis":
      return slimAxis(A.explainAxis(c.n, c.layers, c.level, c.index));
    case "outputs": {
      // the stack once, then every output (or the outputs listed in c.only)
      const st = A.explainStack(c.n, c.layers);
      if (!st.ok) return { ok: false, error: st.error };
      const last = st.sizes.length - 1;
      const per = [];
      if (c.detail) {
        for (let o = 0; o < st.sizes[last]; o++) {
          const v = A.explainOutput(st, last, o);
          per.push([v.paths[0], v.taps.map((t) => [t.pos, t.inside ? 1 : 0]), v.box, v.holes]);
        }
      }
      return { ok: true, sizes: st.sizes, total: st.total[0], never: st.neverVisited, rf: st.rows, formulas: st.formulas, per };
    }
    case "explain": {
      const v = mod.explain(c.state);
      return { rows: slimAxis(v.rows), cols: v.cols ? slimAxis(v.cols) : null };
    }
    case "allowed":
      return A.allowedValues(c.state, c.layer, c.key).values;
    case "readout": {
      const v = mod.explain(c.state);
      if (!v.rows.ok) return { ok: false, lines: mod.readout(c.state, v) };
      const n = c.state.n, two = c.state.dims === 2;
      const roles = [];
      for (let i = 0; i < n; i++) {
        if (two) { const row = []; for (let j = 0; j < n; j++) row.push(mod.cellRole(v, 0, i, j)); roles.push(row); }
        else roles.push(mod.cellRole(v, 0, i, 0));
      }
      return { ok: true, lines: mod.readout(c.state, v), facts: mod.readoutFacts(c.state, v), roles };
    }
    case "kinds":
      return Object.fromEntries(A.KINDS.map((k) => [k, A.kindChoice(c.n, c.layers, c.layer, k)]));
    case "fit":
      return A.fitLayer(c.n, c.layers, c.layer, Object.assign({}, c.layers[c.layer], c.with));
    case "limits":
      return { limits: A.LIMITS, kinds: A.KINDS, max_size: A.MAX_SIZE };
    default:
      throw new Error(`unknown op ${c.op}`);
  }
});
process.stdout.write(JSON.stringify(results));
