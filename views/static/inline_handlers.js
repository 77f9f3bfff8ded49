// Flask-Admin's templates carry a few inline click handlers (a delete's confirmation, a list action,
// a filter entry), which the Content-Security-Policy does not run: views/inline_handlers.py moves each
// to a data-sos-onclick attribute as the template loads, and this file attaches the same behaviour as a
// listener. A handler it does not know is reported on the console, where the browser tests see it: a
// new Flask-Admin template is noticed, not silently dead.
(function () {
  "use strict";
  var QUOTED = "'((?:[^'\\\\]|\\\\.)*)'";
  var KNOWN = [
    [new RegExp("^return faHelpers\\.safeConfirm\\(" + QUOTED + "\\);?$"),
      function (el, message) { return window.faHelpers.safeConfirm(message); }],
    [new RegExp("^return modelActions\\.execute\\(" + QUOTED + "\\);?$"),
      function (el, name) { return window.modelActions.execute(name); }],
    [new RegExp("^faForm\\.addInlineField\\(this, " + QUOTED + "\\);?$"),
      function (el, fieldId) { window.faForm.addInlineField(el, fieldId); return false; }],
    [/^return false;?$/, function () { return false; }],
  ];

  function unescapeJs(text) { return text.replace(/\\(.)/g, "$1"); }

  function adopt(el) {
    var code = el.getAttribute("data-sos-onclick").trim();
    el.removeAttribute("data-sos-onclick");
    for (var i = 0; i < KNOWN.length; i++) {
      var match = KNOWN[i][0].exec(code);
      if (match) {
        var run = KNOWN[i][1];
        var argument = match[1] === undefined ? undefined : unescapeJs(match[1]);
        el.addEventListener("click", function (event) {
          if (run(el, argument) === false) { event.preventDefault(); }
        });
        return;
      }
    }
    console.error("An inline handler the Content-Security-Policy will not run: " + code);
  }

  document.querySelectorAll("[data-sos-onclick]").forEach(adopt);

  // A link to "javascript:void(0)" only stands for a button (a tab, a dropdown toggle): follow none,
  // since the browser would refuse to run it. Other listeners on the link still run.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="javascript:"]') : null;
    if (link) { event.preventDefault(); }
  }, true);
})();
