// Class grid: show the level a score gives while typing, and let Enter move down the column.
// The page works without this file: the server derives every level when the grid is saved.
(function () {
  "use strict";
  var table = document.querySelector(".class-grid");
  if (!table) { return; }
  var labels = ["<A1", "A1", "A2", "B1", "B2", "C1", "C2"];
  var max = parseFloat(table.dataset.max);
  var cuts = (table.dataset.cuts || "").split(";").filter(Boolean).map(function (pair) {
    var parts = pair.split(":");
    return { level: parseInt(parts[0], 10), min: parseFloat(parts[1]) };
  });

  function levelFor(score) {
    var reached = cuts.filter(function (cut) { return score >= cut.min; });
    if (reached.length) { return reached[reached.length - 1].level; }
    return Math.max(cuts[0].level - 1, 0);
  }

  function show(input) {
    var output = input.closest("tr").querySelector("output.derived");
    if (!output) { return; }
    var text = input.value.trim().replace(",", ".");
    var score = Number(text);
    if (text === "") { output.textContent = ""; return; }
    if (isNaN(score) || score < 0 || (!isNaN(max) && score > max) || !cuts.length) {
      output.textContent = "?";
      return;
    }
    output.textContent = labels[levelFor(score)];
  }

  var inputs = Array.prototype.slice.call(table.querySelectorAll(".grid-input"));
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
