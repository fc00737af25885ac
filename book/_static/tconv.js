// Course-wide behaviour fixes (loaded on every page by book/_ext/tconv_offline.py).
// tests/test_website.py checks each of them in Chromium.

// 1. The menu (☰) and on-page-contents buttons. pydata-sphinx-theme 0.17 + sphinx-book-theme 1.3 render
//    each button twice: a hidden copy in #pst-header comes first in the page, and both themes bind their
//    click handlers with querySelector, i.e. to that hidden copy only; the visible buttons in the article
//    header did nothing. A click on any other copy is handed to the one the themes listen to, so the
//    themes' own behaviour runs (a drawer on narrow screens, a collapsing sidebar on wide ones).
document.addEventListener("DOMContentLoaded", () => {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const bound = document.querySelector(selector);
    if (!bound) continue;
    document.querySelectorAll(selector).forEach((button) => {
      if (button === bound) return;
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        button.blur();
        bound.click();
      });
    });
  }
});

// 2. The theme button goes straight from light to dark and back. The theme cycles light -> auto -> dark,
//    and with a light system preference the first click ("auto") changed nothing visible.
document.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest(".theme-switch-button");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation(); // capture phase on document: the theme's own cycling handler never runs
    const root = document.documentElement;
    const theme = root.dataset.theme === "dark" ? "light" : "dark";
    root.dataset.mode = theme;
    root.dataset.theme = theme;
    localStorage.setItem("mode", theme);
    localStorage.setItem("theme", theme);
    document.querySelectorAll(".dropdown-menu").forEach((menu) => {
      menu.classList.toggle("dropdown-menu-dark", theme === "dark");
    });
    button.blur();
  },
  true,
);

// 3. Search results show formulas as text, not as LaTeX source: Sphinx builds a result's summary from the
//    page's HTML, where math is still "\(C^\top\)" (MathJax typesets it only on the page itself).
const TEX_SYMBOLS = {
  top: "ᵀ", times: "×", cdot: "·", le: "≤", leq: "≤", ge: "≥", geq: "≥", ne: "≠", neq: "≠",
  lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉", ldots: "…", dots: "…", cdots: "⋯", in: "∈",
  sum: "Σ", approx: "≈", infty: "∞", to: "→", rightarrow: "→", mapsto: "↦", star: "⋆", ast: "∗",
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", lambda: "λ", mu: "μ", sigma: "σ",
  langle: "⟨", rangle: "⟩", quad: " ", qquad: " ", circ: "∘", odot: "⊙", otimes: "⊗", pm: "±",
};

function texToText(tex) {
  let text = tex.trim().replace(/^\\[([]/, "").replace(/\\[)\]]$/, "");
  for (let i = 0; i < 5; i++) text = text.replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, "($1)/($2)");
  text = text
    .replace(/\\\\/g, " ") // a line break of an aligned formula
    .replace(/\\(?:begin|end)\{[^{}]*\}/g, " ")
    .replace(/&/g, " ")
    .replace(/\\(?:text|mathrm|mathbf|mathit|operatorname|boldsymbol)\s*\{([^{}]*)\}/g, "$1")
    .replace(/\^\{?\\top\}?/g, "ᵀ")
    .replace(/\\(?:left|right|big|Big|bigg|Bigg)\b/g, "")
    .replace(/\\([A-Za-z]+)/g, (match, name) => TEX_SYMBOLS[name] ?? name)
    .replace(/\\[,;:! ]/g, " ")
    .replace(/\\([_{}$%#])/g, "$1")
    .replace(/[{}]/g, "")
    .replace(/\\/g, ""); // anything left, such as \|, is not worth a backslash in a summary
  return text.replace(/\s+/g, " ").trim();
}

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll("span.math, div.math").forEach((node) => {
      node.textContent = ` ${texToText(node.textContent)} `;
    });
    return htmlToText(doc.documentElement.outerHTML, anchor);
  };
});

// 4. Figures on a phone. A notebook figure more than twice as wide as tall is unreadable when scaled to a
//    phone's width: it gets a frame that shows it at twice the column width and scrolls sideways, with a
//    hint below (tconv.css; only below 600 px). An animation's frame gets the alt text of its figure.
function frameWideFigure(img) {
  if (img.closest(".tconv-wide-figure") || img.closest(".animation")) return;
  if (!img.naturalWidth || img.naturalWidth < 2 * img.naturalHeight) return;
  const frame = document.createElement("div");
  frame.className = "tconv-wide-figure";
  img.replaceWith(frame);
  frame.appendChild(img);
  const hint = document.createElement("p");
  hint.className = "tconv-scroll-hint";
  hint.textContent = "⟷ Scroll sideways to see the whole figure.";
  frame.after(hint);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("div.cell_output img").forEach((img) => {
    if (img.complete) frameWideFigure(img);
    else img.addEventListener("load", () => frameWideFigure(img), { once: true });
  });
  document.querySelectorAll("div.cell_output .animation img").forEach((img) => {
    if (img.alt) return;
    const caption = img.closest("figure")?.querySelector("figcaption");
    const text = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    img.alt = text ? `Animation: ${text}` : "Animation";
  });
});
