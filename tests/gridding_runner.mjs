// Runs the dilated-stack explorer's shipped JavaScript under node for tests/test_explorer_gridding.py.
// stdin: {"bundle": "<the ESM source anywidget receives>", "cases": [...]}; stdout: one JSON array.
// A case: {"op": "numbers", "stacks": [[rates, k], ...], "counts": bool} -> A.stackNumbers + the sentence, per stack
//         {"op": "pictures", "rates", "k"}          -> the probe image and the checkerboard, before and after
//         {"op": "readout", "state", "trace"}       -> the view's read-out lines, the traced footprint
//         {"op": "limits"}                          -> A.LIMITS, A.IMAGE_SIZE
import { readFileSync } from "node:fs";

const input = JSON.parse(readFileSync(0, "utf8"));
const mod = await import("data:text/javascript;base64," + Buffer.from(input.bundle).toString("base64"));
const A = mod.A;

const results = input.cases.map((c) => {
  switch (c.op) {
    case "numbers":
      return c.stacks.map(([rates, k]) => {
        const v = A.stackNumbers(rates, k);
        const row = [v.r, v.reached, v.holes, v.max_gap, v.common_factor, v.paper_rule, v.hdc,
          v.shared_fraction, v.disjoint_neighbours, v.finest_pattern_kept, v.centre, A.griddingSentence(v)];
        if (c.counts) row.push(v.counts);
        return row;
      });
    case "pictures": {
      const n = A.IMAGE_SIZE, picture = A.probeImage(n), board = A.checkerboard(n);
      return {
        picture: Array.from(picture), board: Array.from(board),
        picture_out: Array.from(A.stackResponse(picture, n, c.rates, c.k)),
        board_out: Array.from(A.stackResponse(board, n, c.rates, c.k)),
      };
    }
    case "readout": {
      const view = mod.explain(mod.readState({ get: (k) => c.state[k] }), c.trace);
      return { lines: mod.readout(view), read: view.read, footprint: view.footprint ? Array.from(view.footprint) : null };
    }
    case "limits":
      return { limits: A.LIMITS, image_size: A.IMAGE_SIZE };
    default:
      throw new Error(`unknown op ${c.op}`);
  }
});
process.stdout.write(JSON.stringify(results));
