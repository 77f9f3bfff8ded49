// The packing list's Print button: a script file, since the Content-Security-Policy runs no inline handler.
document.getElementById("print-packing-list").addEventListener("click", function () { window.print(); });
