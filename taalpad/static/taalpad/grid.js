// Class grid: show the level a score gives while typing, and let Enter move down the column,
// from the last row to the top of the next column, and from the last cell to Save.
// The page works without this file: the server derives every level when the grid is saved.
(function () {
  "use strict";
  var table = document.querySelector(".class-grid");
  if (!table) { return; }
  var labels = ["<A1", "A1", "A2", "B1", "B2", "C1", "C2"];

  function cutsOf(input) {
    return (input.dataset.cuts || "").split(";").filter(Boolean).map(function (pair) {
      var parts = pair.split(":");
      return { level: parseInt(parts[0], 10), min: parseFloat(parts[1]) };
    });
  }

  function levelFor(score, cuts) {
    var reached = cuts.filter(function (cut) { return score >= cut.min; });
    if (reached.length) { return reached[reached.length - 1].level; }
    return Math.max(cuts[0].level - 1, 0);
  }

  function show(input) {
    var output = input.closest("td").querySelector("output.derived");
    if (!output) { return; }
    var text = input.value.trim().replace(",", ".");
    var score = Number(text);
    var max = parseFloat(input.dataset.max);
    var cuts = cutsOf(input);
    if (text === "") { output.textContent = ""; return; }
    if (isNaN(score) || score < 0 || (!isNaN(max) && score > max) || !cuts.length) {
      output.textContent = "?";
      return;
    }
    output.textContent = labels[levelFor(score, cuts)];
  }

  // Column by column: the order in which a teacher types a pile of marked papers.
  var inputs = Array.prototype.slice.call(table.querySelectorAll(".grid-input"))
    .map(function (input, row) { return { input: input, row: row }; })
    .sort(function (a, b) {
      return (parseInt(a.input.dataset.column, 10) - parseInt(b.input.dataset.column, 10)) ||
        (a.row - b.row);
    })
    .map(function (entry) { return entry.input; });
  inputs.forEach(function (input, index) {
    if (input.classList.contains("score")) {
      input.addEventListener("input", function () { show(input); });
    }
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var next = inputs[index + 1] || document.getElementById("grid-save");
      next.focus();
      if (next.select) { next.select(); }
    });
  });
})();
