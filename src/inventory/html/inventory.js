// Sorting and filtering of the inventory table, and the timeline kept in the table's order.
// Plain DOM code: no library, nothing loaded, nothing sent; the page works without it too.
(function () {
  "use strict";
  var table = document.getElementById("inventory");
  if (!table) {
    return;
  }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var controls = {
    text: document.getElementById("filter-text"),
    repository: document.getElementById("filter-repository"),
    rule: document.getElementById("filter-rule"),
    confidence: document.getElementById("filter-confidence"),
    status: document.getElementById("filter-status")
  };
  var count = document.getElementById("shown-count");
  var timeline = document.getElementById("timeline");
  var rowHeight = timeline ? Number(timeline.getAttribute("data-row-height")) : 0;
  var top = timeline ? Number(timeline.getAttribute("data-top")) : 0;

  function matches(row) {
    var data = row.dataset;
    var text = controls.text.value.trim().toLowerCase();
    if (text && data.search.indexOf(text) < 0) {
      return false;
    }
    var repository = controls.repository.value;
    if (repository && JSON.parse(data.repositories).indexOf(repository) < 0) {
      return false;
    }
    if (controls.rule.value && data.rule !== controls.rule.value) {
      return false;
    }
    if (controls.confidence.value && data.confidence !== controls.confidence.value) {
      return false;
    }
    if (controls.status.value && data.status !== controls.status.value) {
      return false;
    }
    return true;
  }

  // Shows the timeline rows of the visible secrets, in the table's order.
  function layOut() {
    if (!timeline) {
      return;
    }
    var y = top;
    rows.forEach(function (row) {
      var bar = document.getElementById("timeline-" + row.dataset.index);
      if (!bar) {
        return;
      }
      if (row.hidden) {
        bar.setAttribute("display", "none");
        return;
      }
      bar.removeAttribute("display");
      bar.setAttribute("transform", "translate(0," + y + ")");
      y += rowHeight;
    });
    var height = Math.max(y, top + rowHeight);
    timeline.setAttribute("height", String(height));
    var box = timeline.getAttribute("viewBox").split(" ");
    box[3] = String(height);
    timeline.setAttribute("viewBox", box.join(" "));
  }

  function filter() {
    var shown = 0;
    rows.forEach(function (row) {
      row.hidden = !matches(row);
      if (!row.hidden) {
        shown += 1;
      }
    });
    count.textContent = shown + " of " + rows.length + " secrets shown";
    layOut();
  }

  function value(row, key, numeric) {
    var raw = row.getAttribute("data-sort-" + key);
    return numeric ? Number(raw) : raw;
  }

  function sortBy(header) {
    var key = header.getAttribute("data-sort");
    var numeric = header.getAttribute("data-type") === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = value(a, key, numeric);
      var y = value(b, key, numeric);
      var order = x < y ? -1 : x > y ? 1 : 0;
      if (order === 0) {
        order = Number(a.dataset.index) - Number(b.dataset.index);
        return order;
      }
      return ascending ? order : -order;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
    headers.forEach(function (other) {
      if (other.hasAttribute("data-sort")) {
        other.setAttribute("aria-sort", other === header ? (ascending ? "ascending" : "descending") : "none");
      }
    });
    layOut();
  }

  headers.forEach(function (header) {
    var button = header.querySelector("button");
    if (button) {
      button.addEventListener("click", function () {
        sortBy(header);
      });
    }
  });
  Object.keys(controls).forEach(function (name) {
    controls[name].addEventListener("input", filter);
    controls[name].addEventListener("change", filter);
  });
  document.documentElement.setAttribute("data-ready", "true");
  filter();
}());
