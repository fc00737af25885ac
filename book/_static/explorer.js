/* The transposed-convolution explorer of the course website: plain JavaScript and SVG, nothing fetched.

Every element with the attribute `data-tconv-explorer` (written by book/_ext/tconv_explorer.py) becomes an
explorer. The root's attributes give the opening example (data-x, data-w, data-stride, data-padding,
data-output-padding, data-dilation, data-view) and the rule sentences of tconv_lib.messages (data-messages),
so an invalid combination is explained in the library's own words.

Fixed interface (tests/test_explorer.py and checks outside the project use it):
- form controls named ndim, in_size, kernel_size, stride, padding, output_padding, dilation; setting a
  control's value and dispatching `input` or `change` updates the explorer at once (synchronously);
- the root's data-x and data-w hold the current input and kernel as JSON (a list, or a list of rows);
- every cell of the final output carries data-out, data-row (0 in 1-D), data-col and data-value;
- [data-output-size] shows the output size ("5", or "5×7" in 2-D); [data-error] is empty when the
  arguments are valid and holds the reason when they are not.

The arithmetic mirrors tconv_lib: stamp k of input element n lands at s*n + d*t, the canvas has
s(i-1) + d(k-1) + 1 cells (plus output_padding), padding crops p cells from both ends; the direct view
inserts s-1 zeros, pads d(k-1)-p (plus output_padding at the end) and slides the 180-degree-rotated kernel.
*/
(function () {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";
  const CELL = 30; // px per cell
  const GAP = 26; // px between blocks
  const PLAY_MS = 900;

  const NAMES = ["in_size", "kernel_size", "stride", "padding", "output_padding", "dilation"];
  const MINIMUM = { in_size: 1, kernel_size: 1, stride: 1, padding: 0, output_padding: 0, dilation: 1 };
  // The order in which tconv_lib.conv_transpose_output_size checks its arguments: the first broken rule
  // is the one the library reports, so it is the one shown here.
  const CHECK_ORDER = ["in_size", "kernel_size", "stride", "padding", "dilation", "output_padding"];
  // What this page draws; larger arguments are valid for the library but would not fit a screen.
  const DRAW_LIMIT = { in_size: 12, kernel_size: 7, stride: 6, padding: 40, output_padding: 6, dilation: 5 };
  const MAX_CANVAS = 48; // cells per axis
  const LABELS = {
    in_size: "input size i",
    kernel_size: "kernel size k",
    stride: "stride s",
    padding: "padding p",
    output_padding: "output_padding",
    dilation: "dilation d",
  };

  let instances = 0;

  // ---------------------------------------------------------------- small helpers

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined && value !== false) node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(key, value);
    }
    return node;
  }

  /** Python's str() of an argument: an int prints "2", a per-dimension tuple "(2, 3)". */
  function pyStr(form) {
    return Array.isArray(form) ? "(" + form.join(", ") + ")" : String(form);
  }

  /** str.format with named fields, as the library formats tconv_lib.messages. */
  function format(template, fields) {
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in fields ? String(fields[key]) : whole));
  }

  /** A value as the figures print it: integers exactly, other numbers with at most two decimals. */
  function show(v) {
    if (Number.isInteger(v)) return String(v === 0 ? 0 : v);
    const text = v.toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
    return text === "-0" ? "0" : text;
  }

  function zeros(rows, cols) {
    return Array.from({ length: rows }, () => new Array(cols).fill(0));
  }

  /** 1, 2, 3, ... in row-major order: the arrays viz.explorer() uses. */
  function counting(rows, cols) {
    return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => r * cols + c + 1));
  }

  function sub(ndim, r, c) {
    return ndim === 1 ? "[" + c + "]" : "[" + r + ", " + c + "]";
  }

  // ---------------------------------------------------------------- reading the controls

  /** "3" (every dimension) or, in 2-D, "2,3" (rows, columns); null if it is neither. */
  function parseArgument(text, ndim) {
    const t = String(text).trim();
    if (/^[+-]?\d+$/.test(t)) {
      const v = parseInt(t, 10);
      return { form: v, per: ndim === 2 ? [v, v] : [v] };
    }
    const pair = t.match(/^\(?\s*([+-]?\d+)\s*(?:[,;x×*]\s*|\s+)([+-]?\d+)\s*\)?$/);
    if (ndim === 2 && pair) {
      const a = parseInt(pair[1], 10);
      const b = parseInt(pair[2], 10);
      return { form: [a, b], per: [a, b] };
    }
    return null;
  }

  /** "1 2 3" (1-D) or "0 1; 2 3" (2-D, rows separated by ";" or new lines) as rows of numbers. */
  function parseArray(text, ndim) {
    const rows = String(text)
      .trim()
      .split(/\s*[;\n]\s*/)
      .filter((row) => row.length)
      .map((row) => row.split(/[\s,]+/).filter((v) => v.length).map(Number));
    if (!rows.length || rows.some((row) => !row.length || row.some((v) => !Number.isFinite(v)))) return null;
    if (rows.some((row) => row.length !== rows[0].length)) return null;
    if (ndim === 1 && rows.length !== 1) return null;
    return rows;
  }

  function arrayText(rows, ndim) {
    return ndim === 1 ? rows[0].join(" ") : rows.map((row) => row.join(" ")).join("; ");
  }

  function sizeText(rows, cols, ndim) {
    return ndim === 1 ? String(cols) : rows === cols ? String(rows) : rows + "," + cols;
  }

  /** The first rule the arguments break, in the library's words (or "" when they are valid). */
  function brokenRule(args, messages) {
    for (const name of CHECK_ORDER) {
      const a = args[name];
      if (a.per.some((v) => v < MINIMUM[name])) {
        return format(messages.BELOW_MINIMUM, { name: name, value: pyStr(a.form), minimum: MINIMUM[name] });
      }
    }
    const s = args.stride;
    const d = args.dilation;
    const op = args.output_padding;
    if (op.per.some((o, n) => o >= Math.max(s.per[n], d.per[n]))) {
      return format(messages.OUTPUT_PADDING_TOO_LARGE, {
        output_padding: pyStr(op.form),
        stride: pyStr(s.form),
        dilation: pyStr(d.form),
      });
    }
    if (outputSizes(args).some((o) => o < 1)) {
      return format(messages.EMPTY_TRANSPOSE_OUTPUT, {
        padding: pyStr(args.padding.form),
        in_size: pyStr(args.in_size.form),
        kernel_size: pyStr(args.kernel_size.form),
        stride: pyStr(s.form),
        dilation: pyStr(d.form),
        output_padding: pyStr(op.form),
      });
    }
    return "";
  }

  /** o = s(i-1) + d(k-1) - 2p + output_padding + 1 in every dimension. */
  function outputSizes(args) {
    return args.in_size.per.map(
      (i, n) =>
        args.stride.per[n] * (i - 1) +
        args.dilation.per[n] * (args.kernel_size.per[n] - 1) -
        2 * args.padding.per[n] +
        args.output_padding.per[n] +
        1
    );
  }

  function tooLarge(args) {
    for (const name of NAMES) {
      if (args[name].per.some((v) => v > DRAW_LIMIT[name])) {
        return name + "=" + pyStr(args[name].form) + " is more than this page draws (at most " + DRAW_LIMIT[name] + ")";
      }
    }
    const canvas = args.in_size.per.map(
      (i, n) => args.stride.per[n] * (i - 1) + args.dilation.per[n] * (args.kernel_size.per[n] - 1) + 1
    );
    if (canvas.some((c) => c > MAX_CANVAS)) {
      return "the canvas s(i-1) + d(k-1) + 1 = " + canvas.join("×") + " is more than this page draws (at most " + MAX_CANVAS + " per axis)";
    }
    return "";
  }

  // ---------------------------------------------------------------- the arithmetic (as tconv_lib)

  /** Everything both views draw, for rows x and w and per-axis [rows, cols] arguments. */
  function compute(x, w, a) {
    const ih = x.length, iw = x[0].length, kh = w.length, kw = w[0].length;
    const s = a.stride, p = a.padding, op = a.output_padding, d = a.dilation;
    const canvas = [s[0] * (ih - 1) + d[0] * (kh - 1) + 1, s[1] * (iw - 1) + d[1] * (kw - 1) + 1];
    const out = [canvas[0] - 2 * p[0] + op[0], canvas[1] - 2 * p[1] + op[1]];
    const stamps = [];
    for (let r = 0; r < ih; r++) {
      for (let c = 0; c < iw; c++) {
        const taps = [];
        for (let t = 0; t < kh; t++) {
          for (let u = 0; u < kw; u++) taps.push({ row: s[0] * r + d[0] * t, col: s[1] * c + d[1] * u, value: x[r][c] * w[t][u], t, u });
        }
        stamps.push({ r, c, value: x[r][c], row: s[0] * r, col: s[1] * c, taps });
      }
    }
    // The direct view: zero insertion, then d(k-1)-p cells on both sides (negative: crop), plus
    // output_padding at the end.
    const spread = [s[0] * (ih - 1) + 1, s[1] * (iw - 1) + 1];
    const lead = [d[0] * (kh - 1) - p[0], d[1] * (kw - 1) - p[1]];
    const trail = [lead[0] + op[0], lead[1] + op[1]];
    const extended = [spread[0] + lead[0] + trail[0], spread[1] + lead[1] + trail[1]];
    const rotated = w.map((row, t) => row.map((_, u) => w[kh - 1 - t][kw - 1 - u]));
    const extendedValue = (er, ec) => {
      const zr = er - lead[0], zc = ec - lead[1];
      if (zr < 0 || zc < 0 || zr >= spread[0] || zc >= spread[1] || zr % s[0] || zc % s[1]) return 0;
      return x[zr / s[0]][zc / s[1]];
    };
    const windows = [];
    for (let R = 0; R < out[0]; R++) {
      for (let C = 0; C < out[1]; C++) {
        const terms = [];
        let sum = 0;
        for (let t = 0; t < kh; t++) {
          for (let u = 0; u < kw; u++) {
            const er = R + d[0] * t, ec = C + d[1] * u;
            const v = extendedValue(er, ec);
            sum += v * rotated[t][u];
            terms.push({ er, ec, v, k: rotated[t][u], t, u });
          }
        }
        windows.push({ R, C, sum, terms });
      }
    }
    return { x, w, a, ih, iw, kh, kw, canvas, out, stamps, spread, lead, trail, extended, rotated, windows };
  }

  /** The canvas (including output_padding) after the first `upto` stamps, and how many stamps cover each cell. */
  function partialCanvas(m, upto) {
    const rows = Math.max(m.canvas[0], m.a.padding[0] + m.out[0]);
    const cols = Math.max(m.canvas[1], m.a.padding[1] + m.out[1]);
    const values = zeros(rows, cols);
    const counts = zeros(rows, cols);
    for (const stamp of m.stamps.slice(0, upto)) {
      for (const tap of stamp.taps) {
        values[tap.row][tap.col] += tap.value;
        counts[tap.row][tap.col] += 1;
      }
    }
    return { rows, cols, values, counts };
  }

  // ---------------------------------------------------------------- drawing

  class Board {
    constructor(id, label) {
      this.id = id;
      this.svg = svgEl("svg", { class: "tx-svg", role: "group", "aria-label": label });
      this.svg.append(patterns(id));
      this.width = 0;
      this.height = 0;
    }

    grow(x, y) {
      this.width = Math.max(this.width, x);
      this.height = Math.max(this.height, y);
    }

    label(x, y, text, cls) {
      const node = svgEl("text", { x, y, class: "tx-label " + (cls || "") });
      node.textContent = text;
      this.svg.append(node);
      this.grow(x + text.length * 7.2, y + 6);
      return node;
    }

    /** One cell: a role ("input", "kernel", "output", "zero", "padding", "cropped", "extra", "empty") and a text. */
    cell(x, y, role, text, extra) {
      const opts = extra || {};
      const group = svgEl("g", Object.assign({ class: "tx-cell tx-" + role }, opts.attrs || {}));
      if (opts.title) {
        const title = svgEl("title");
        title.textContent = opts.title;
        group.append(title);
      }
      group.append(svgEl("rect", { x, y, width: CELL, height: CELL, class: "tx-bg" }));
      if (opts.shade) group.append(svgEl("rect", { x, y, width: CELL, height: CELL, class: "tx-shade", style: "--tx-amount:" + opts.shade.toFixed(3) }));
      if (role in HATCH) group.append(svgEl("rect", { x, y, width: CELL, height: CELL, fill: "url(#" + this.id + "-" + HATCH[role] + ")" }));
      group.append(svgEl("rect", { x, y, width: CELL, height: CELL, class: "tx-edge" }));
      if (text !== "" && text !== null) {
        const up = opts.corner !== undefined ? 5 : 0; // leave the bottom corner to the kernel factor
        const node = svgEl("text", { x: x + CELL / 2 - up / 2, y: y + CELL / 2 - up, class: "tx-value" + (text.length > 4 || up ? " tx-small" : "") });
        node.textContent = text;
        group.append(node);
      }
      if (opts.corner !== undefined) {
        const node = svgEl("text", { x: x + CELL - 3, y: y + CELL - 4, class: "tx-corner" });
        node.textContent = opts.corner;
        group.append(node);
      }
      this.svg.append(group);
      this.grow(x + CELL, y + CELL);
      return group;
    }

    frame(x, y, w, h, cls) {
      this.svg.append(svgEl("rect", { x, y, width: w, height: h, class: cls }));
      this.grow(x + w, y + h);
    }

    grid(rows, x0, y0, role, label) {
      if (label) this.label(x0, y0 - 6, label, "tx-title");
      rows.forEach((row, r) => row.forEach((v, c) => this.cell(x0 + c * CELL, y0 + r * CELL, role, show(v))));
      return y0 + rows.length * CELL;
    }

    finish() {
      const w = Math.ceil(this.width + 4), h = Math.ceil(this.height + 4);
      this.svg.setAttribute("viewBox", "0 0 " + w + " " + h);
      this.svg.setAttribute("width", w);
      this.svg.setAttribute("height", h);
      return this.svg;
    }
  }

  const HATCH = { padding: "pad", zero: "dots", cropped: "cross", extra: "back" };

  function patterns(id) {
    const defs = svgEl("defs");
    const add = (name, size, paths, cls) => {
      const pattern = svgEl("pattern", { id: id + "-" + name, width: size, height: size, patternUnits: "userSpaceOnUse" });
      for (const d of paths) pattern.append(svgEl("path", { d, class: cls }));
      defs.append(pattern);
    };
    add("pad", 7, ["M-1,1 l2,-2 M0,7 l7,-7 M6,8 l2,-2"], "tx-hatch-pad");
    add("cross", 8, ["M0,0 L8,8 M8,0 L0,8"], "tx-hatch-cropped");
    add("back", 7, ["M-1,6 l2,2 M0,0 l7,7 M6,-1 l2,2"], "tx-hatch-extra");
    const dots = svgEl("pattern", { id: id + "-dots", width: 6, height: 6, patternUnits: "userSpaceOnUse" });
    dots.append(svgEl("circle", { cx: 3, cy: 3, r: 0.9, class: "tx-hatch-dot" }));
    defs.append(dots);
    return defs;
  }

  function outAttrs(r, c, value) {
    return { "data-out": "", "data-row": r, "data-col": c, "data-value": value === null ? "" : String(value === 0 ? 0 : value) };
  }

  function drawScatter(ex, m, frame) {
    const ndim = ex.ndim;
    const board = new Board(ex.id + "-s", "scatter view");
    const { values, counts, rows, cols } = partialCanvas(m, frame + 1);
    const top = Math.max(1, ...partialCanvas(m, m.stamps.length).counts.flat());
    const current = m.stamps[frame];
    const p = m.a.padding;
    const left = ndim === 1 ? 74 : 0;
    let y = 22;
    // input and kernel
    board.grid(m.x, left, y, "input", "input x");
    const kx = left + Math.max(m.iw * CELL + GAP, 80);
    const yEnd = board.grid(m.w, kx, y, "kernel", "kernel w");
    y = Math.max(y + m.ih * CELL, yEnd) + 34;
    const kindAt = (R, C) => {
      if (R < p[0] || R >= p[0] + m.out[0] || C < p[1] || C >= p[1] + m.out[1]) return "cropped";
      if (R >= m.canvas[0] || C >= m.canvas[1]) return "extra";
      return "output";
    };
    if (ndim === 1) {
      // one row per stamp, as in viz.scatter_figure
      board.label(left, y - 6, "stamps x[n]·w, the n-th starting at s·n", "tx-title");
      m.stamps.forEach((stamp, n) => {
        const shown = n <= frame;
        board.label(0, y + CELL / 2 + 4, "x[" + n + "]·w", n === frame ? "tx-current" : "");
        if (shown) {
          for (const tap of stamp.taps) board.cell(left + tap.col * CELL, y, "kernel", show(tap.value));
          if (n === frame) board.frame(left + stamp.col * CELL, y, (stamp.taps[stamp.taps.length - 1].col - stamp.col + 1) * CELL, CELL, "tx-now");
        }
        y += CELL + 6;
      });
      y += 22;
    }
    // the canvas: running sums, overlap shading, cropped border, output_padding cells
    board.label(left, y - 6, ndim === 1 ? "sum: the canvas" : "the stamps added up: the canvas", "tx-title");
    if (ndim === 1) board.label(0, y + CELL / 2 + 4, "sum");
    for (let R = 0; R < rows; R++) {
      for (let C = 0; C < cols; C++) {
        const kind = kindAt(R, C);
        const inCanvas = R < m.canvas[0] && C < m.canvas[1];
        const count = counts[R][C];
        const shade = inCanvas && count > 0 ? (top <= 1 ? 0.22 : 0.22 + (0.68 * (count - 1)) / (top - 1)) : 0;
        const role = kind === "output" ? (count > 0 ? "count" : "empty") : kind;
        const what = kind === "cropped" ? ", cropped by padding" : kind === "extra" ? ", added by output_padding" : "";
        const title = "canvas " + sub(ndim, R, C) + ": " + show(values[R][C]) + ", " + count + (count === 1 ? " stamp" : " stamps") + what;
        board.cell(left + C * CELL, y + R * CELL, role, inCanvas ? show(values[R][C]) : "0", { shade: role === "count" ? shade : 0, title });
      }
    }
    board.frame(left + p[1] * CELL, y + p[0] * CELL, m.out[1] * CELL, m.out[0] * CELL, "tx-region");
    if (current) {
      for (const tap of current.taps) board.frame(left + tap.col * CELL + 2, y + tap.row * CELL + 2, CELL - 4, CELL - 4, "tx-now");
    }
    y += rows * CELL + 34;
    // the output: the canvas cropped by p, with output_padding
    board.label(left, y - 6, "output y" + (ndim === 1 ? "" : " (" + m.out[0] + "×" + m.out[1] + ")"), "tx-title");
    if (ndim === 1) board.label(0, y + CELL / 2 + 4, "output");
    const ox = left + p[1] * CELL;
    for (let R = 0; R < m.out[0]; R++) {
      for (let C = 0; C < m.out[1]; C++) {
        const v = values[R + p[0]][C + p[1]];
        const beyond = R + p[0] >= m.canvas[0] || C + p[1] >= m.canvas[1];
        board.cell(ox + C * CELL, y + R * CELL, beyond ? "extra" : "output", show(v), { attrs: outAttrs(R, C, v) });
      }
    }
    const caption = current
      ? "Stamp " + (frame + 1) + " of " + m.stamps.length + ": x" + sub(ndim, current.r, current.c) + " = " + show(current.value) +
        " adds " + show(current.value) + "·w with its first tap at " + (ndim === 1 ? "position " + current.col : "(" + current.row + ", " + current.col + ")") +
        " of the canvas."
      : "";
    return { svg: board.finish(), caption, legend: scatterLegend(m) };
  }

  function drawDirect(ex, m, frame) {
    const ndim = ex.ndim;
    const board = new Board(ex.id + "-d", "direct view");
    const win = m.windows[frame];
    const s = m.a.stride, d = m.a.dilation;
    const left = ndim === 1 ? 74 : 0;
    let y = 22;
    board.grid(m.x, left, y, "input", "input x");
    let kx = left + Math.max(m.iw * CELL + GAP, 80);
    board.grid(m.w, kx, y, "kernel", "kernel w");
    kx += Math.max(m.kw * CELL + GAP, 80);
    const yEnd = board.grid(m.rotated, kx, y, "kernel", "rotated 180°");
    y = Math.max(y + m.ih * CELL, yEnd) + 34;
    // the board: the zero-inserted input, padded by d(k-1)-p (cropped where that is negative)
    const padBefore = [Math.max(m.lead[0], 0), Math.max(m.lead[1], 0)];
    const start = [Math.max(0, -m.lead[0]), Math.max(0, -m.lead[1])]; // board position of the extended input's first cell
    const boardSize = [padBefore[0] + m.spread[0] + Math.max(m.trail[0], 0), padBefore[1] + m.spread[1] + Math.max(m.trail[1], 0)];
    const taps = new Map();
    if (win) for (const term of win.terms) taps.set((start[0] + term.er) + "," + (start[1] + term.ec), term);
    board.label(left, y - 6, "zeros inserted (s-1), padded by d(k-1)-p", "tx-title");
    if (ndim === 1) board.label(0, y + CELL / 2 + 4, "input");
    for (let b0 = 0; b0 < boardSize[0]; b0++) {
      for (let b1 = 0; b1 < boardSize[1]; b1++) {
        const z = [b0 - padBefore[0], b1 - padBefore[1]];
        const e = [b0 - start[0], b1 - start[1]];
        const inSpread = z[0] >= 0 && z[1] >= 0 && z[0] < m.spread[0] && z[1] < m.spread[1];
        const inExtended = e[0] >= 0 && e[1] >= 0 && e[0] < m.extended[0] && e[1] < m.extended[1];
        let role, text;
        if (!inExtended) {
          role = "cropped";
        } else if (!inSpread) {
          role = "padding";
        } else if (z[0] % s[0] || z[1] % s[1]) {
          role = "zero";
        } else {
          role = "input";
        }
        if (inSpread && !(z[0] % s[0]) && !(z[1] % s[1])) text = show(m.x[z[0] / s[0]][z[1] / s[1]]);
        else text = role === "zero" ? "0" : ""; // padding is hatched, cropped cells are outside
        const term = taps.get(b0 + "," + b1);
        board.cell(left + b1 * CELL, y + b0 * CELL, role, text, ndim === 2 && term ? { corner: "×" + show(term.k) } : {});
      }
    }
    if (win) {
      for (const term of win.terms) board.frame(left + (start[1] + term.ec) * CELL + 2, y + (start[0] + term.er) * CELL + 2, CELL - 4, CELL - 4, "tx-now");
    }
    y += boardSize[0] * CELL + 12;
    if (ndim === 1 && win) {
      // the rotated kernel under the window, taps d apart
      board.label(0, y + CELL / 2 + 4, "kernel");
      for (const term of win.terms) board.cell(left + (start[1] + term.ec) * CELL, y, "kernel", show(term.k));
      y += CELL + 12;
    }
    y += 22;
    // the output: one window per cell, aligned under the window's centre
    const shift = [(d[0] * (m.kh - 1)) / 2, (d[1] * (m.kw - 1)) / 2];
    const ox = left + (start[1] + shift[1]) * CELL;
    board.label(Math.max(left, ox), y - 6, "output y" + (ndim === 1 ? "" : " (" + m.out[0] + "×" + m.out[1] + ")"), "tx-title");
    if (ndim === 1) board.label(0, y + CELL / 2 + 4, "output");
    m.windows.forEach((w, n) => {
      const done = n <= frame;
      board.cell(ox + w.C * CELL, y + w.R * CELL, done ? "output" : "empty", done ? show(w.sum) : "", { attrs: outAttrs(w.R, w.C, done ? w.sum : null) });
    });
    board.frame(ox + win.C * CELL + 2, y + win.R * CELL + 2, CELL - 4, CELL - 4, "tx-now");
    const nonzero = win.terms.filter((t) => t.v !== 0);
    const sum = nonzero.length ? nonzero.map((t) => show(t.v) + "·" + show(t.k)).join(" + ") + " = " + show(win.sum) : "0 (the window sees only zeros)";
    const caption = "Window " + (frame + 1) + " of " + m.windows.length + ": y" + sub(ndim, win.R, win.C) + " = " + sum + ".";
    return { svg: board.finish(), caption, legend: directLegend(m) };
  }

  function swatch(role, text) {
    return el("span", { class: "tx-key" }, [el("span", { class: "tx-swatch tx-sw-" + role, "aria-hidden": "true" }), text]);
  }

  function scatterLegend(m) {
    const items = [swatch("input", "input x"), swatch("kernel", "kernel w, stamps"), swatch("count", "overlap: darker = more stamps")];
    if (m.a.padding.some((v) => v > 0)) items.push(swatch("cropped", "cropped by padding p"));
    if (m.a.output_padding.some((v) => v > 0)) items.push(swatch("extra", "output_padding (beyond the stamps)"));
    items.push(swatch("region", "output region"), swatch("now", "current stamp"));
    return items;
  }

  function directLegend(m) {
    const items = [swatch("input", "input x")];
    if (m.a.stride.some((v) => v > 1)) items.push(swatch("zero", "inserted zeros (s-1)"));
    if (m.lead.some((v) => v > 0) || m.trail.some((v) => v > 0)) items.push(swatch("padding", "padding d(k-1)-p (+ output_padding at the end)"));
    if (m.lead.some((v) => v < 0) || m.trail.some((v) => v < 0)) items.push(swatch("cropped", "cropped: p-d(k-1)"));
    items.push(swatch("kernel", "kernel, rotated 180°"), swatch("now", "current window"));
    return items;
  }

  // ---------------------------------------------------------------- one explorer

  function formulaText(args, sizes, ndim) {
    const line = (n) =>
      args.stride.per[n] + "·(" + args.in_size.per[n] + "−1) + " + args.dilation.per[n] + "·(" + args.kernel_size.per[n] + "−1) − 2·" +
      args.padding.per[n] + " + " + args.output_padding.per[n] + " + 1 = " + sizes[n];
    const general = "o = s(i−1) + d(k−1) − 2p + output_padding + 1";
    if (ndim === 1) return general + " = " + line(0);
    const same = NAMES.every((name) => args[name].per[0] === args[name].per[1]);
    if (same) return general + " = " + line(0) + " (rows and columns)";
    return general + ": rows " + line(0) + "; columns " + line(1);
  }

  function build(root) {
    const id = "tx" + ++instances;
    const messages = JSON.parse(root.getAttribute("data-messages") || "{}");
    const x0 = JSON.parse(root.getAttribute("data-x") || "[1, 2, 3]");
    const w0 = JSON.parse(root.getAttribute("data-w") || "[1, 2, 3]");
    const ndim0 = Array.isArray(x0[0]) ? 2 : 1;
    const ex = {
      id,
      root,
      messages,
      ndim: ndim0,
      x: ndim0 === 2 ? x0 : [x0],
      w: ndim0 === 2 ? w0 : [w0],
      view: root.getAttribute("data-view") === "direct" ? "direct" : "scatter",
      model: null,
      frame: 0,
      timer: null,
    };
    root.textContent = "";
    root.classList.add("tx-explorer");

    // controls, in focus order
    const controls = el("fieldset", { class: "tx-controls" }, [el("legend", {}, ["Arguments"])]);
    const ndimSelect = el("select", { name: "ndim", id: id + "-ndim" }, [el("option", { value: "1" }, ["1-D"]), el("option", { value: "2" }, ["2-D"])]);
    ndimSelect.value = String(ndim0);
    controls.append(el("div", { class: "tx-field" }, [el("label", { for: id + "-ndim" }, ["dimensions"]), ndimSelect]));
    const fields = {};
    const initial = {
      in_size: sizeText(ex.x.length, ex.x[0].length, ndim0),
      kernel_size: sizeText(ex.w.length, ex.w[0].length, ndim0),
      stride: root.getAttribute("data-stride") || "1",
      padding: root.getAttribute("data-padding") || "0",
      output_padding: root.getAttribute("data-output-padding") || "0",
      dilation: root.getAttribute("data-dilation") || "1",
    };
    for (const name of NAMES) {
      const input = el("input", {
        type: "text",
        name,
        id: id + "-" + name,
        value: initial[name],
        autocomplete: "off",
        spellcheck: "false",
        "aria-describedby": id + "-hint",
      });
      fields[name] = input;
      controls.append(el("div", { class: "tx-field" }, [el("label", { for: input.id }, [LABELS[name]]), input]));
    }
    const arrays = {};
    for (const [name, label] of [["x", "input x"], ["w", "kernel w"]]) {
      const input = el("input", { type: "text", name, id: id + "-" + name, autocomplete: "off", spellcheck: "false", class: "tx-array", "aria-describedby": id + "-hint" });
      arrays[name] = input;
      controls.append(el("div", { class: "tx-field tx-wide" }, [el("label", { for: input.id }, [label]), input]));
    }
    const hint = el("p", { class: "tx-hint", id: id + "-hint" });
    controls.append(hint);

    const viewGroup = el("div", { class: "tx-views", role: "radiogroup", "aria-label": "view" });
    const viewInputs = {};
    for (const [value, text] of [["scatter", "scatter: stamps"], ["direct", "direct: rotated kernel"]]) {
      const input = el("input", { type: "radio", name: id + "-view", id: id + "-view-" + value, value });
      input.checked = value === ex.view;
      viewInputs[value] = input;
      viewGroup.append(el("label", { for: input.id, class: "tx-view" }, [input, " " + text]));
    }

    const formula = el("p", { class: "tx-formula" });
    const size = el("strong", { "data-output-size": "" });
    const none = el("span", { class: "tx-none" });
    const result = el("p", { class: "tx-result", "aria-live": "polite", id: id + "-result" }, ["output size: ", size, none]);
    const error = el("p", { class: "tx-error", "data-error": "", role: "alert" });

    const prev = el("button", { type: "button", class: "tx-step-prev" }, ["◀ previous"]);
    const play = el("button", { type: "button", class: "tx-step-play", "aria-pressed": "false" }, ["▶ play"]);
    const next = el("button", { type: "button", class: "tx-step-next" }, ["next ▶"]);
    const stepText = el("p", { class: "tx-step-text", "aria-live": "polite", "data-step": "" });
    const stepper = el("div", { class: "tx-stepper", role: "group", "aria-label": "step through" }, [prev, play, next]);
    const scroller = el("div", { class: "tx-figure", tabindex: "0", role: "region", "aria-label": "drawing (scrolls sideways when wide)" });
    const legend = el("p", { class: "tx-legend" });
    const drawing = el("div", { class: "tx-drawing" }, [viewGroup, stepper, stepText, scroller, legend]);
    root.append(controls, el("div", { class: "tx-arith" }, [result, formula, error]), drawing);

    function stop() {
      if (ex.timer) clearInterval(ex.timer);
      ex.timer = null;
      play.textContent = "▶ play";
      play.setAttribute("aria-pressed", "false");
    }

    function frames() {
      if (!ex.model) return 0;
      return ex.view === "scatter" ? ex.model.stamps.length : ex.model.windows.length;
    }

    function redraw() {
      const count = frames();
      if (!count) return;
      ex.frame = Math.min(Math.max(ex.frame, 0), count - 1);
      const picture = ex.view === "scatter" ? drawScatter(ex, ex.model, ex.frame) : drawDirect(ex, ex.model, ex.frame);
      scroller.replaceChildren(picture.svg);
      legend.replaceChildren(...picture.legend);
      stepText.textContent = picture.caption;
      stepText.setAttribute("data-frame", ex.frame + 1);
      stepText.setAttribute("data-frame-count", count);
      // aria-disabled, not disabled: a button that is switched off keeps the keyboard focus
      prev.setAttribute("aria-disabled", String(ex.frame === 0));
      next.setAttribute("aria-disabled", String(ex.frame === count - 1));
    }

    function fail(reason) {
      ex.model = null;
      error.textContent = reason;
      size.textContent = "";
      none.textContent = "none, the arguments break a rule:";
      drawing.hidden = true;
      scroller.replaceChildren(); // no stale output cells: an invalid combination has none
      legend.replaceChildren();
      stepText.textContent = "";
      stepText.setAttribute("data-frame-count", 0);
      stepText.setAttribute("data-frame", 0);
    }

    /** Read every control, check the arguments, recompute and redraw (synchronously). */
    function update(source) {
      stop();
      const ndim = ndimSelect.value === "2" ? 2 : 1;
      if (ndim !== ex.ndim) {
        ex.ndim = ndim;
        root.classList.toggle("tx-2d", ndim === 2);
      }
      hint.textContent = "";
      const args = {};
      for (const name of NAMES) {
        const parsed = parseArgument(fields[name].value, ndim);
        fields[name].setAttribute("aria-invalid", parsed ? "false" : "true");
        if (!parsed) {
          formula.textContent = "";
          return fail(name + "=" + JSON.stringify(fields[name].value) + " is not " + (ndim === 1 ? "a whole number" : "a whole number or two (rows, columns) like 2,3"));
        }
        args[name] = parsed;
      }
      // the reader typed an input or a kernel: its shape sets the size
      for (const [name, sizeName] of [["x", "in_size"], ["w", "kernel_size"]]) {
        if (source !== arrays[name]) continue;
        const rows = parseArray(arrays[name].value, ndim);
        arrays[name].setAttribute("aria-invalid", rows ? "false" : "true");
        if (!rows) {
          hint.textContent = name + ": type numbers separated by spaces" + (ndim === 2 ? ", rows separated by ;" : "") + " (kept the last valid " + name + ")";
          break;
        }
        ex[name] = rows;
        fields[sizeName].value = sizeText(rows.length, rows[0].length, ndim);
        args[sizeName] = parseArgument(fields[sizeName].value, ndim);
      }
      const sizes = outputSizes(args);
      formula.textContent = formulaText(args, sizes, ndim);
      const reason = brokenRule(args, messages) || tooLarge(args);
      if (reason) {
        formula.textContent = "The formula would give " + formula.textContent;
        return fail(reason);
      }
      // sizes changed: refill with 1, 2, 3, ... (as viz.explorer() does)
      const want = { x: args.in_size.per, w: args.kernel_size.per };
      for (const name of ["x", "w"]) {
        const [rows, cols] = ndim === 1 ? [1, want[name][0]] : want[name];
        if (ex[name].length !== rows || ex[name][0].length !== cols) ex[name] = counting(rows, cols);
        if (source !== arrays[name]) arrays[name].value = arrayText(ex[name], ndim);
      }
      root.setAttribute("data-x", JSON.stringify(ndim === 1 ? ex.x[0] : ex.x));
      root.setAttribute("data-w", JSON.stringify(ndim === 1 ? ex.w[0] : ex.w));
      const perAxis = {};
      for (const name of NAMES) perAxis[name] = ndim === 1 ? [name === "padding" || name === "output_padding" ? 0 : 1, args[name].per[0]] : args[name].per;
      ex.model = compute(ex.x, ex.w, perAxis);
      error.textContent = "";
      none.textContent = "";
      size.textContent = ndim === 1 ? String(sizes[0]) : sizes[0] + "×" + sizes[1];
      drawing.hidden = false;
      ex.frame = frames() - 1; // new arguments: show the finished result
      redraw();
    }

    function step(delta) {
      stop();
      const target = ex.frame + delta;
      if (target < 0 || target >= frames()) return;
      ex.frame = target;
      redraw();
    }

    root.addEventListener("input", (event) => {
      if (event.target.name === id + "-view") return;
      if (event.target.closest(".tx-controls")) update(event.target);
    });
    root.addEventListener("change", (event) => {
      if (event.target.name === id + "-view") {
        stop();
        ex.view = event.target.value;
        ex.frame = frames() - 1;
        redraw();
      } else if (event.target.closest(".tx-controls")) {
        update(event.target);
      }
    });
    // Arrow keys step a number up or down (the component under the caret of a "2,3" pair).
    controls.addEventListener("keydown", (event) => {
      const input = event.target;
      if (!(input.name in fields) || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
      const delta = event.key === "ArrowUp" ? 1 : -1;
      const text = input.value;
      const parts = text.split(/([,x×;\s]+)/);
      let offset = 0;
      let changed = false;
      const caret = input.selectionStart === null ? text.length : input.selectionStart;
      const stepped = parts.map((part, n) => {
        offset += part.length;
        const last = n === parts.length - 1;
        if (!changed && /^[+-]?\d+$/.test(part) && (caret <= offset || last)) {
          changed = true;
          return String(Math.max(MINIMUM[input.name], parseInt(part, 10) + delta));
        }
        return part;
      });
      if (!changed) return;
      event.preventDefault();
      input.value = stepped.join("");
      update(input);
    });
    prev.addEventListener("click", () => step(-1));
    next.addEventListener("click", () => step(1));
    play.addEventListener("click", () => {
      if (ex.timer) return stop();
      if (ex.frame >= frames() - 1) ex.frame = -1;
      play.textContent = "❚❚ pause";
      play.setAttribute("aria-pressed", "true");
      const tick = () => {
        ex.frame += 1;
        redraw();
        if (ex.frame >= frames() - 1) stop();
      };
      tick();
      if (ex.timer === null && ex.frame < frames() - 1) ex.timer = setInterval(tick, PLAY_MS);
    });

    root.classList.toggle("tx-2d", ndim0 === 2);
    arrays.x.value = arrayText(ex.x, ndim0);
    arrays.w.value = arrayText(ex.w, ndim0);
    update(null);
  }

  function start() {
    document.querySelectorAll("[data-tconv-explorer]").forEach((root) => {
      if (!root.classList.contains("tx-explorer")) build(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
