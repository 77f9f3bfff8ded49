/* Serial inventory screens: keep the column chooser open while ticking boxes; show only the
   fields that belong to where a new unit is added (a location, or a customer). */
(function () {
  "use strict";
  document.querySelectorAll(".column-chooser .dropdown-menu").forEach(function (menu) {
    menu.addEventListener("click", function (event) { event.stopPropagation(); });
  });

  var choices = document.querySelectorAll("input[name='place']");
  if (!choices.length) { return; }
  function show() {
    var checked = document.querySelector("input[name='place']:checked");
    var place = checked ? checked.value : "location";
    document.querySelectorAll("[data-place]").forEach(function (group) {
      var wanted = group.getAttribute("data-place") === place;
      group.hidden = !wanted;
      group.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = !wanted; });
    });
  }
  choices.forEach(function (choice) { choice.addEventListener("change", show); });
  show();
}());
