// Exercise solutions (sphinx-exercise dropdowns) open when any part of their title is clicked.
// sphinx-togglebutton only handles clicks on the title element itself or on its chevron; the title of a
// solution is mostly a link to its exercise ("Solution to Exercise 2.1"), and a click there threw
// "button is not defined" and left the solution closed. Route such clicks to the toggle button.
document.addEventListener(
  "click",
  (event) => {
    const title = event.target.closest(".admonition.dropdown > .admonition-title");
    if (!title || event.target === title || event.target.closest(".toggle-button")) return;
    const button = title.querySelector(".toggle-button");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    button.click();
  },
  true,
);
