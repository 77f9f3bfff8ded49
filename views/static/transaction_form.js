/* The transaction entry form: one S/N field per received unit, scanner-friendly entry,
   ranges of serials typed in a field of their own (the server reads them and the field shows what
   they expand to), automatic numbers, CSV upload, and a searchable picker for units already in stock.
   What the document's kind does comes from the page (data attributes the server writes from
   its kind table); how serials compare and how a CSV file reads, the server answers.
   The server checks everything again when the document is saved. */
(function () {
  "use strict";

  var form = document.getElementById("transaction-form");
  if (!form) { return; }
  var kind = form.dataset.kind;
  var newSerials = form.dataset.newSerials;  // which lines receive new units: always, positive_quantity, ...
  var pickerParty = form.dataset.pickerParty;  // the header field whose units the picker offers
  var optionsUrl = form.dataset.optionsUrl;
  var checkUrl = form.dataset.checkUrl;
  var maxFields = parseInt(form.dataset.maxSerialFields, 10);
  var csrfToken = form.querySelector("input[name=csrf_token]").value;
  var linesBody = document.getElementById("lines");

  // ---- what a line does --------------------------------------------------------------
  function lineQuantity(row) {
    var value = parseInt(row.querySelector(".line-quantity").value, 10);
    return isNaN(value) ? 0 : value;
  }

  function isTracked(row) {
    var select = row.querySelector(".line-item");
    var option = select.options[select.selectedIndex];
    return !!option && option.dataset.tracked === "yes";
  }

  // Whether the posting can number this line's item: the server says so on the item's option.
  function canNumber(row) {
    var select = row.querySelector(".line-item");
    var option = select.options[select.selectedIndex];
    return !!option && option.dataset.autoNumbering === "yes";
  }

  function receivesNewSerials(row) {
    if (newSerials === "always") { return true; }
    if (newSerials === "positive_quantity") { return lineQuantity(row) > 0; }
    if (newSerials === "output_lines") {
      var role = row.querySelector(".line-role");
      return !!role && role.value === "output";
    }
    return false;
  }

  // A POST to the screen's serial check, with the form's CSRF token; resolves to {ok, data}.
  function askServer(body, isJson) {
    var headers = { "Accept": "application/json", "X-CSRFToken": csrfToken };
    if (isJson) { headers["Content-Type"] = "application/json"; }
    return fetch(checkUrl, { method: "POST", credentials: "same-origin", headers: headers,
                             body: isJson ? JSON.stringify(body) : body })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      });
  }

  function fieldName(row, name) { return "lines-" + row.dataset.index + "-" + name; }

  // ---- rendering a line's serial area ------------------------------------------------
  function currentSerials(row) {
    var typed = Array.prototype.map.call(row.querySelectorAll(".serial-fields input.sn, .serial-picker input.picked"),
      function (input) { return input.value; });
    if (typed.length) { return typed; }
    try { return JSON.parse(row.dataset.serials || "[]"); } catch (e) { return []; }
  }

  function render(row) {
    var fields = row.querySelector(".serial-fields");
    var picker = row.querySelector(".serial-picker");
    var tools = row.querySelector(".serial-tools");
    var message = row.querySelector(".serial-message");
    var keep = currentSerials(row);
    row.dataset.serials = "[]";
    fields.innerHTML = "";
    picker.innerHTML = "";
    message.textContent = "";
    var tracked = isTracked(row);
    var quantity = Math.abs(lineQuantity(row));
    var inbound = receivesNewSerials(row);
    tools.style.display = tracked && inbound ? "" : "none";
    if (!tracked) { updateCount(row); return; }
    if (inbound) {
      var autoBox = row.querySelector(".line-auto");
      var numbered = canNumber(row);
      row.querySelector(".auto-serials").style.display = numbered ? "" : "none";
      if (!numbered) { autoBox.checked = false; }
      var auto = autoBox.checked;
      var csv = row.querySelector(".line-csv").value;
      if (auto) { updateCount(row); return; }
      if (csv) {
        var note = document.createElement("div");
        note.className = "csv-note text-muted";
        note.textContent = "Serials from " + (row.querySelector(".line-csv-name").value || "the uploaded file") + ".";
        fields.appendChild(note);
        updateCount(row);
        return;
      }
      if (quantity > maxFields) {
        // Too many units for a field each: one field for a range, another when the clerk asks for it.
        message.textContent = "For more than " + maxFields + " units, type a range of serials, upload a CSV file" +
          (numbered ? " or use Auto serial/lot numbers." : ".");
        row.dataset.rangeFields = "yes";
        var entries = keep.filter(function (serial) { return serial.trim() !== ""; });
        for (var r = 0; r < Math.max(entries.length, 1); r++) { addSerialField(row, r, entries[r] || ""); }
      } else {
        row.dataset.rangeFields = "";
        for (var i = 0; i < quantity; i++) { addSerialField(row, i, keep[i] || ""); }
      }
    } else {
      buildPicker(row, keep);
    }
    markRepeats();
    updateCount(row);
  }

  function addSerialField(row, index, value) {
    var input = document.createElement("input");
    input.type = "text";
    input.className = "form-control form-control-sm sn";
    input.name = fieldName(row, "serials");
    input.placeholder = row.dataset.rangeFields ? "Range, e.g. SN-0001 - SN-" + pad(Math.abs(lineQuantity(row)))
      : "S/N " + (index + 1);
    input.setAttribute("aria-label", "S/N " + (index + 1));
    input.autocomplete = "off";
    input.value = value;
    row.querySelector(".serial-fields").appendChild(input);
    return input;
  }

  function pad(number) { var text = String(number); return text.length >= 4 ? text : ("000" + text).slice(-4); }

  // How many units the line's S/N fields stand for: a field holding a range counts its serials,
  // once the server has read it (until then, one).
  function enteredCount(row) {
    var entered = 0;
    Array.prototype.forEach.call(row.querySelectorAll("input.sn"), function (input) {
      if (input.value.trim() === "") { return; }
      entered += input.dataset.rangeCount ? parseInt(input.dataset.rangeCount, 10) : 1;
    });
    return entered;
  }

  // Once the entries stand for the whole quantity, the empty fields left over are put away.
  function fitFields(row) {
    var covered = enteredCount(row) >= Math.abs(lineQuantity(row));
    Array.prototype.forEach.call(row.querySelectorAll("input.sn"), function (input) {
      input.classList.toggle("d-none", covered && input.value.trim() === "" && input !== document.activeElement);
    });
  }

  // Below a field holding a range: what it expands to, or why it does not read, as the server said.
  // The notes under an S/N field (what a range expands to, what a scan reads as), found whichever came first.
  function noteAfter(input, className) {
    var sibling = input.nextElementSibling;
    while (sibling && (sibling.classList.contains("range-note") || sibling.classList.contains("sn-read"))) {
      if (sibling.classList.contains(className)) { return sibling; }
      sibling = sibling.nextElementSibling;
    }
    return null;
  }

  function showRange(input, range, problem) {
    var note = noteAfter(input, "range-note");
    if (!note) {
      if (!range && !problem) { return; }
      note = document.createElement("div");
      note.className = "range-note small";
      input.insertAdjacentElement("afterend", note);
    }
    if (!range && !problem) { note.remove(); return; }
    note.classList.toggle("text-danger", !!problem);
    note.classList.toggle("text-muted", !problem);
    note.textContent = problem ? problem : range.count.toLocaleString("en-US") + " serial" +
      (range.count === 1 ? "" : "s") + ": " + range.first + " to " + range.last;
  }

  function updateCount(row) {
    var count = row.querySelector(".serial-count");
    var quantity = Math.abs(lineQuantity(row));
    if (!isTracked(row)) { count.textContent = ""; return; }
    if (receivesNewSerials(row)) {
      if (row.querySelector(".line-auto").checked) { count.textContent = "Numbered when saved"; return; }
      if (row.querySelector(".line-csv").value) { count.textContent = quantity + " from file"; return; }
      count.textContent = enteredCount(row).toLocaleString("en-US") + " of " + quantity.toLocaleString("en-US") +
        " entered";
    } else {
      var picked = 0;
      Array.prototype.forEach.call(row.querySelectorAll("input.picked"), function (input) {
        picked += input.dataset.rangeCount ? parseInt(input.dataset.rangeCount, 10) : 1;
      });
      var pickCount = row.querySelector(".pick-count");
      if (pickCount) {
        var over = picked > Math.abs(quantity);
        pickCount.textContent = picked + " of " + quantity + " picked" +
          (over ? ": more than the line's quantity; remove " + (picked - Math.abs(quantity)) : "");
        pickCount.classList.toggle("text-danger", over);
        pickCount.classList.toggle("text-muted", !over);
      }
    }
  }

  // A serial typed twice is flagged as soon as the server, which compares serials as the posting
  // will, says so: across every line of the same item. Only the answer to the latest question counts.
  var repeatTimer = null;
  var repeatQuestion = 0;
  function markRepeats() {
    clearTimeout(repeatTimer);
    repeatTimer = setTimeout(checkRepeats, 150);
  }

  function checkRepeats() {
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input.sn, input.picked"));
    var question = ++repeatQuestion;
    if (!inputs.length) { return; }
    var serials = inputs.map(function (input) { return input.value; });
    var groups = inputs.map(function (input) { return input.closest("tr.line").querySelector(".line-item").value; });
    askServer({ serials: serials, groups: groups }, true).then(function (answer) {
      if (question !== repeatQuestion || !answer.ok) { return; }
      var ranges = answer.data.ranges || [];
      var problems = answer.data.problems || [];
      inputs.forEach(function (input, index) {
        if (!input.classList.contains("sn")) {
          // A range kept in the picker after a refused save shows what it stands for again.
          if (ranges[index] && !input.dataset.rangeCount) {
            showPickedRange(input, ranges[index], input.closest(".picked-chip").querySelector(".chip-label"));
          }
          return;
        }
        var repeated = !!answer.data.repeated[index];
        var problem = problems[index] || null;
        input.dataset.rangeCount = ranges[index] ? String(ranges[index].count) : "";
        input.classList.toggle("is-invalid", repeated || !!problem);
        input.title = problem || (repeated ? (ranges[index] ? "A serial of this range is entered more than once."
          : "This serial number is entered more than once.") : "");
        showReading(input, (answer.data.scans || [])[index], answer.data.serials[index]);
        showRange(input, ranges[index] || null, problem);
      });
      Array.prototype.forEach.call(linesBody.querySelectorAll("tr.line"), function (row) {
        if (!row.dataset.rangeFields) { fitFields(row); }
        updateCount(row);
      });
    }).catch(function () { /* the posting refuses repeats anyway; the flag is only early warning */ });
  }

  // A scanned GS1 barcode stands for the serial of its AI 21: the server's reading is shown under the field.
  function showReading(input, scan, serial) {
    var note = noteAfter(input, "sn-read");
    if (!note) {
      if (!scan) { return; }
      note = document.createElement("small");
      note.className = "sn-read form-text text-muted";
      input.parentNode.insertBefore(note, input.nextSibling);
    }
    if (!scan) { note.remove(); return; }
    var parts = ["Serial " + serial];
    if (scan.lot) { parts.push("lot " + scan.lot); }
    if (scan.expiry_date) { parts.push("expires " + scan.expiry_date); }
    if (scan.production_date) { parts.push("made " + scan.production_date); }
    note.textContent = parts.join(" · ");
  }

  // ---- the picker for existing units -------------------------------------------------
  function pickerPlace() {
    var field = document.getElementById(pickerParty);
    return { name: pickerParty, value: field ? field.value : "" };
  }

  function buildPicker(row, keep) {
    var picker = row.querySelector(".serial-picker");
    var search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm picker-search";
    search.placeholder = "Type or scan a serial number, or a range (SN-0001 - SN-0050)";
    search.setAttribute("aria-label", "Find serial number");
    search.autocomplete = "off";
    var list = document.createElement("div");
    list.className = "list-group picker-options";
    var chosen = document.createElement("div");
    chosen.className = "picked-serials";
    var count = document.createElement("span");
    count.className = "pick-count text-muted small";
    picker.appendChild(search);
    picker.appendChild(list);
    picker.appendChild(chosen);
    picker.appendChild(count);
    keep.forEach(function (serial) { if (serial) { addPicked(row, serial); } });
    var timer = null;
    search.addEventListener("focus", function () {
      // Focus given back after a pick opens nothing: the list stays closed until the clerk types or clicks.
      if (row.pickerQuiet) { row.pickerQuiet = false; return; }
      fetchOptions(row, search.value, false);
    });
    search.addEventListener("click", function () {
      if (!list.children.length) { fetchOptions(row, search.value, false); }
    });
    // Clicking an option keeps the focus in the search box; leaving the picker closes its list.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    search.addEventListener("blur", function () {
      clearTimeout(timer);
      setTimeout(function () { closePicker(row); }, 150);
    });
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { fetchOptions(row, search.value, false); }, 120);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { closePicker(row); return; }
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      clearTimeout(timer);  // the exact lookup below answers for what was typed
      var first = list.querySelector(".picker-option.active") || list.querySelector(".picker-option");
      // The box is emptied now, not when the server answers: a hand scanner types the next serial at once,
      // and that one must not be wiped by the answer to this one.
      var text = search.value;
      search.value = "";
      row.pickerQuestion = (row.pickerQuestion || 0) + 1;  // a search typed before it answers no more
      // Text with a space or two dots may be a range ("SN-0001 - SN-0050"): the server says whether it is.
      if (/\s|\.\./.test(text.trim())) { pickRange(row, text, first); return; }
      // A scanner types the whole serial and Enter: take the exact match from the server.
      fetchOptions(row, text, true, first);
    });
  }

  function fetchOptions(row, query, pickExact, fallback) {
    var item = row.querySelector(".line-item").value;
    var place = pickerPlace();
    var list = row.querySelector(".picker-options");
    var message = row.querySelector(".serial-message");
    if (!place.value) {
      message.textContent = "Choose the " + place.name.replace(/_id$/, "").replace(/_/g, " ") + " first.";
      return;
    }
    if (!pickExact && lineFull(row)) {
      // Every unit the line's quantity asks for is picked: nothing more to offer.
      list.innerHTML = "";
      message.textContent = fullMessage(row);
      return;
    }
    if (pickExact && query.trim() === "") {
      // Enter on an empty search takes the highlighted option.
      message.textContent = "";
      if (fallback) { choose(row, fallback.dataset.serial, true); } else { list.innerHTML = ""; }
      return;
    }
    // A scanner's Enter asks for the unit with exactly this serial, as the server compares serials.
    var url = optionsUrl + "?type=" + encodeURIComponent(kind) + "&item_id=" + encodeURIComponent(item) +
      "&" + place.name + "=" + encodeURIComponent(place.value) + "&q=" + encodeURIComponent(query.trim()) +
      (pickExact ? "&exact=1" : "");
    // Each scan (Enter) is answered, however many follow it; of the searches typed, only the last one is.
    var question = pickExact ? null : (row.pickerQuestion = (row.pickerQuestion || 0) + 1);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (options) {
        if (question !== null && question !== row.pickerQuestion) { return; }  // a later search answers instead
        // The clerk left the picker meanwhile: its list stays closed.
        if (!pickExact && document.activeElement !== row.querySelector(".picker-search")) { return; }
        message.textContent = "";
        list.innerHTML = "";
        var already = pickedSerials(row);
        options = options.filter(function (o) { return !already[o.serial_number]; });
        if (pickExact) {
          if (options.length) { choose(row, options[0].serial_number, true); return; }
          message.textContent = query.trim() + " is not available here.";
          return;
        }
        options.forEach(function (option, index) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "list-group-item list-group-item-action py-1 picker-option" + (index === 0 ? " active" : "");
          button.dataset.serial = option.serial_number;
          button.textContent = option.serial_number;
          button.addEventListener("click", function () { choose(row, option.serial_number); });
          list.appendChild(button);
        });
        if (!options.length && query.trim()) { message.textContent = "No available unit starts with " + query.trim() + "."; }
      })
      .catch(function () { message.textContent = "The list of serial numbers could not be loaded; try again."; });
  }

  // A range typed in the picker becomes one chip standing for its serials; the posting checks each unit
  // is where the document takes it from, and names those that are not.
  function pickRange(row, text, fallback) {
    var message = row.querySelector(".serial-message");
    askServer({ serials: [text] }, true).then(function (answer) {
      var range = answer.ok && answer.data.ranges ? answer.data.ranges[0] : null;
      var problem = answer.ok && answer.data.problems ? answer.data.problems[0] : null;
      if (problem) { message.textContent = problem; return; }
      if (!range) { fetchOptions(row, text, true, fallback); return; }
      if (pickedCount(row) + range.count > Math.abs(lineQuantity(row))) {
        message.textContent = "This range holds " + range.count.toLocaleString("en-US") + " serials, more than the " +
          (Math.abs(lineQuantity(row)) - pickedCount(row)).toLocaleString("en-US") + " this line still takes.";
        return;
      }
      message.textContent = "";
      addPicked(row, text.trim(), range);
      var search = row.querySelector(".picker-search");
      row.querySelector(".picker-options").innerHTML = "";
      search.focus();
      markRepeats();
    }).catch(function () { message.textContent = "The range could not be read; try again."; });
  }

  function showPickedRange(hidden, range, label) {
    hidden.dataset.rangeCount = String(range.count);
    label.textContent = range.count.toLocaleString("en-US") + " serial" + (range.count === 1 ? "" : "s") + ": " +
      range.first + " to " + range.last + " ";
  }

  // Picked serials are spelled as the server sent them, one spelling per unit, so they compare as they are.
  function pickedSerials(row) {
    var serials = {};
    Array.prototype.forEach.call(row.querySelectorAll("input.picked"), function (input) {
      serials[input.value] = true;
    });
    return serials;
  }

  // Units picked so far: a range chip stands for each of its serials.
  function pickedCount(row) {
    var count = 0;
    Array.prototype.forEach.call(row.querySelectorAll("input.picked"), function (input) {
      count += input.dataset.rangeCount ? Number(input.dataset.rangeCount) : 1;
    });
    return count;
  }

  function lineFull(row) {
    return pickedCount(row) >= Math.abs(lineQuantity(row));
  }

  function fullMessage(row) {
    var quantity = Math.abs(lineQuantity(row));
    return "This line's quantity is " + quantity + " and " + quantity + " " + (quantity === 1 ? "unit is" : "units are") +
      " picked. Remove one, or raise the quantity, to pick another.";
  }

  function closePicker(row) {
    var list = row.querySelector(".picker-options");
    if (list) { list.innerHTML = ""; }
  }

  // A pick adds the unit and closes the list; a pick past the line's quantity is refused there and then.
  // ``scanned``: picked by Enter, whose text already left the box (the next scan may be typing into it).
  function choose(row, serial, scanned) {
    var search = row.querySelector(".picker-search");
    var message = row.querySelector(".serial-message");
    if (!pickedSerials(row)[serial]) {
      if (lineFull(row)) {
        closePicker(row);
        message.textContent = fullMessage(row);
        return;
      }
      addPicked(row, serial);
      message.textContent = "";
    }
    if (!scanned) { search.value = ""; }
    closePicker(row);
    if (document.activeElement !== search) {
      row.pickerQuiet = true;
      search.focus();
    }
  }

  function addPicked(row, serial, range) {
    var chosen = row.querySelector(".picked-serials");
    var chip = document.createElement("span");
    chip.className = "badge badge-primary picked-chip mr-1";
    var label = document.createElement("span");
    label.className = "chip-label";
    label.textContent = serial + " ";
    chip.appendChild(label);
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.className = "picked";
    hidden.name = fieldName(row, "serials");
    hidden.value = serial;
    if (range) { showPickedRange(hidden, range, label); }
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn btn-link btn-sm p-0 text-white remove-pick";
    remove.setAttribute("aria-label", "Remove " + serial);
    remove.textContent = "×";
    remove.addEventListener("click", function () { chip.remove(); updateCount(row); markRepeats(); });
    chip.appendChild(remove);
    chip.appendChild(hidden);
    chosen.appendChild(chip);
    updateCount(row);
  }

  // ---- CSV upload --------------------------------------------------------------------
  // The server reads the file (its encoding, separator and serial column), as the posting will.
  function upload(row, file) {
    var message = row.querySelector(".serial-message");
    var body = new FormData();
    body.append("file", file, file.name);
    askServer(body, false).then(function (answer) {
      if (!answer.ok) {
        message.textContent = answer.data.error || file.name + " could not be read; try again.";
        return;
      }
      var serials = answer.data.serials;
      var quantity = Math.abs(lineQuantity(row));
      if (serials.length !== quantity) {
        message.textContent = file.name + " holds " + serials.length + " serial numbers but the line's quantity is " +
          quantity + ". Nothing was filled in.";
        return;
      }
      if (quantity > maxFields) {
        row.querySelector(".line-csv").value = answer.data.text;
        row.querySelector(".line-csv-name").value = file.name;
        render(row);
        return;
      }
      row.querySelector(".line-csv").value = "";
      row.dataset.serials = JSON.stringify(serials);
      row.querySelector(".serial-fields").innerHTML = "";
      render(row);
    }).catch(function () { message.textContent = file.name + " could not be read; try again."; });
  }

  // ---- wiring --------------------------------------------------------------------------
  function wire(row) {
    row.querySelector(".line-item").addEventListener("change", function () {
      row.dataset.serials = "[]";
      row.querySelector(".serial-fields").innerHTML = "";
      row.querySelector(".serial-picker").innerHTML = "";
      row.querySelector(".line-csv").value = "";
      render(row);
    });
    row.querySelector(".line-quantity").addEventListener("input", function () {
      row.querySelector(".line-csv").value = "";
      render(row);
    });
    var role = row.querySelector(".line-role");
    if (role) { role.addEventListener("change", function () { render(row); }); }
    row.querySelector(".line-auto").addEventListener("change", function () { render(row); });
    row.querySelector(".line-upload").addEventListener("change", function (event) {
      if (event.target.files.length) { upload(row, event.target.files[0]); }
      event.target.value = "";
    });
    row.querySelector(".remove-line").addEventListener("click", function () {
      if (linesBody.querySelectorAll("tr.line").length > 1) { row.remove(); markRepeats(); }
    });
    render(row);
  }

  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("sn")) {
      event.target.dataset.rangeCount = "";  // read again by the server before it counts as a range
      markRepeats();
      updateCount(event.target.closest("tr.line"));
    }
  });

  // Enter moves to the next S/N field, as a scanner expects; it never submits the form.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName === "BUTTON" || event.target.tagName === "TEXTAREA") { return; }
    event.preventDefault();
    if (!event.target.classList.contains("sn")) { return; }
    var row = event.target.closest("tr.line");
    var inputs = Array.prototype.filter.call(form.querySelectorAll("input.sn"), function (input) {
      return !input.classList.contains("d-none") || input === event.target;
    });
    var next = inputs[inputs.indexOf(event.target) + 1];
    var lastOfRow = !next || next.closest("tr.line") !== row;
    // A line of range fields gets another field when its last one is filled, for the next range.
    if (lastOfRow && row.dataset.rangeFields && event.target.value.trim() !== "") {
      next = addSerialField(row, row.querySelectorAll("input.sn").length, "");
    }
    if (next) { next.focus(); next.select(); }
  });

  document.getElementById("add-line").addEventListener("click", function () {
    var rows = linesBody.querySelectorAll("tr.line");
    var template = rows[rows.length - 1];
    var copy = template.cloneNode(true);
    var index = 0;
    Array.prototype.forEach.call(rows, function (r) { index = Math.max(index, parseInt(r.dataset.index, 10) + 1); });
    copy.dataset.index = String(index);
    copy.dataset.serials = "[]";
    Array.prototype.forEach.call(copy.querySelectorAll("[name]"), function (el) {
      el.name = el.name.replace(/^lines-\d+-/, "lines-" + index + "-");
    });
    copy.querySelector(".line-item").value = "";
    copy.querySelector(".line-quantity").value = "1";
    var cost = copy.querySelector(".line-cost");
    if (cost) { cost.value = ""; }
    copy.querySelector(".line-auto").checked = false;
    copy.querySelector(".line-csv").value = "";
    copy.querySelector(".line-csv-name").value = "";
    copy.querySelector(".serial-fields").innerHTML = "";
    copy.querySelector(".serial-picker").innerHTML = "";
    Array.prototype.forEach.call(copy.querySelectorAll(".line-error"), function (el) { el.remove(); });
    linesBody.appendChild(copy);
    wire(copy);
    copy.querySelector(".line-item").focus();
  });

  Array.prototype.forEach.call(document.querySelectorAll(".header-party"), function (select) {
    select.addEventListener("change", function () {
      Array.prototype.forEach.call(linesBody.querySelectorAll("tr.line"), function (row) {
        var list = row.querySelector(".picker-options");
        if (list) { list.innerHTML = ""; }
      });
    });
  });

  Array.prototype.forEach.call(linesBody.querySelectorAll("tr.line"), wire);
})();
