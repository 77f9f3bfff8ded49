// The stock count page: a scan box that keeps focus, sends scans to the server (queued while one is on its way),
// and redraws the totals and the visible list from the server's answers. The server decides what a scan is.
(function () {
  "use strict";
  var page = document.getElementById("stock-count");
  var box = document.getElementById("scan-box");
  if (!page || !box) { return; }
  var scanUrl = page.dataset.scanUrl;
  var listUrl = page.dataset.listUrl;
  var show = page.dataset.show;
  var listPage = page.dataset.page;
  var csrfToken = document.getElementById("csrf-token").value;
  var result = document.getElementById("scan-result");
  var log = document.getElementById("scan-log");
  var waiting = [];
  var sending = false;
  var listTimer = null;
  var LOG_LENGTH = 30;

  // A hand scanner types the serial and presses Enter: each Enter is one scan.
  box.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();
    var serial = box.value;
    box.value = "";
    if (!serial.trim()) { return; }
    waiting.push(serial);
    send();
  });

  // The box is served disabled and opened only now that Enter is heard: a scan typed before this script ran would
  // have run into the next one as a single serial.
  box.disabled = false;
  box.placeholder = "Scan here";
  box.focus();

  // The box keeps focus: a tap anywhere but another control brings the next scan back to it.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("input, select, textarea, button, a, label")) { box.focus(); }
  });
  box.addEventListener("blur", function () {
    setTimeout(function () {
      var active = document.activeElement;
      if (!active || active === document.body) { box.focus(); }
    }, 0);
  });

  function send() {
    if (sending || !waiting.length) { return; }
    sending = true;
    var batch = waiting.splice(0, waiting.length);
    fetch(scanUrl, { method: "POST", credentials: "same-origin",
                     headers: { "Accept": "application/json", "Content-Type": "application/json",
                                "X-CSRFToken": csrfToken },
                     body: JSON.stringify({ serials: batch }) })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        if (!answer.ok) { showError(answer.data.error || "The scan was not saved."); return; }
        answer.data.scans.forEach(showScan);
        showTotals(answer.data.totals);
        scheduleListRefresh();
      })
      .catch(function () { showError("The server did not answer: scan " + batch.join(", ") + " again."); })
      .then(function () { sending = false; send(); });
  }

  function showScan(scan) {
    result.className = "scan-result mt-2 " + scan.result;
    result.dataset.result = scan.result;
    result.textContent = scan.message;
    var entry = document.createElement("li");
    entry.className = "scan-" + scan.result;
    entry.dataset.serial = scan.serial_number;
    entry.dataset.result = scan.result;
    entry.textContent = scan.message;
    log.insertBefore(entry, log.firstChild);
    while (log.children.length > LOG_LENGTH) { log.removeChild(log.lastChild); }
  }

  function showError(message) {
    result.className = "scan-result mt-2 error";
    result.dataset.result = "error";
    result.textContent = message;
  }

  function showTotals(totals) {
    Object.keys(totals).forEach(function (name) {
      document.querySelectorAll("[data-total='" + name + "']").forEach(function (figure) {
        figure.textContent = totals[name];
      });
    });
    var seen = document.getElementById("scans-seen");
    if (seen) { seen.value = totals.scanned; }
  }

  // The list on screen is redrawn once scanning pauses, not after every scan.
  function scheduleListRefresh() {
    clearTimeout(listTimer);
    listTimer = setTimeout(refreshList, 400);
  }

  function refreshList() {
    var url = listUrl + "&show=" + encodeURIComponent(show) + "&page=" + encodeURIComponent(listPage);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var body = document.getElementById("count-list-rows");
        body.textContent = "";
        data.items.forEach(function (row) {
          var tr = document.createElement("tr");
          [row.serial_number, row.item_name || "", row.place].forEach(function (text, index) {
            var td = document.createElement("td");
            if (index === 0) { td.className = "serial"; }
            td.textContent = text;
            tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        if (!data.items.length) {
          var empty = document.createElement("tr");
          empty.className = "empty";
          var cell = document.createElement("td");
          cell.colSpan = 3;
          cell.className = "text-muted";
          cell.textContent = "None.";
          empty.appendChild(cell);
          body.appendChild(empty);
        }
        document.getElementById("count-list-total").textContent = data.total;
        showTotals(data.totals);
      });
  }

  box.focus();
})();
