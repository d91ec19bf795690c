// Progressive enhancement only: every form works without this script. With it:
// set rows and exercises are added in place, a live session ticks sets with one tap
// and times the rest, saves made without signal are kept on the phone (outbox.js)
// and sent when the connection returns, and the app installs and opens offline (sw.js).
(function () {
  "use strict";
  var outbox = window.pullbackOutbox;

  // Sign-up: the browser's time zone instead of UTC.
  document.querySelectorAll('input[data-fill="time-zone"]').forEach(function (input) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone) input.value = zone;
    } catch (e) { /* keep UTC */ }
  });

  // --- Client ids: a fresh one per form shown, so that a page opened twice from
  // the offline copy never shares one (two sessions would be stored as one).
  function randomId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  document.querySelectorAll("input[data-client-id]").forEach(function (input) { input.value = randomId(); });

  // --- Without signal, the service worker answers with the copy of the page it kept
  // (sw.js), marked with its age. Say so; and a form's "now" (the session's time, and
  // the latest time it takes) is the copy's: move it on by the copy's age, in the
  // lifter's own wall-clock time as the server wrote it, so that a session logged
  // from a copy kept yesterday is logged today.
  var keptFor = parseInt(document.documentElement.getAttribute("data-kept-for") || "", 10);
  function shiftLocal(text, ms) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text || "");
    if (!m) return null;
    var t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) + Math.floor(ms / 60000) * 60000);
    var two = function (n) { return ("0" + n).slice(-2); };
    return t.getUTCFullYear() + "-" + two(t.getUTCMonth() + 1) + "-" + two(t.getUTCDate()) + "T" +
      two(t.getUTCHours()) + ":" + two(t.getUTCMinutes());
  }
  if (keptFor >= 60000) {
    document.querySelectorAll("input[data-now]").forEach(function (input) {
      var moved = shiftLocal(input.value, keptFor);
      if (!moved) return;
      input.value = moved;
      if (input.max) input.max = moved.slice(0, 10) + "T23:59";
    });
  }

  // --- Set rows and exercises, added in place (the buttons post the form without JS).
  function fields(root) {
    return Array.prototype.slice.call(root.querySelectorAll("input, select"));
  }
  // load_2_5 → load_2_6 (the set index is the last number).
  function renumberRow(row, index) {
    fields(row).forEach(function (field) {
      field.name = field.name.replace(/_(\d+)$/, "_" + index);
    });
    var number = row.querySelector("[data-set-number]");
    if (number) number.textContent = String(index + 1);
  }
  document.addEventListener("click", function (event) {
    var addSet = event.target.closest("[data-add-set]");
    if (addSet) {
      event.preventDefault();
      var list = document.getElementById(addSet.getAttribute("data-add-set"));
      var rows = list.querySelectorAll("[data-set-row]");
      var max = parseInt(list.getAttribute("data-max-rows") || "12", 10);
      if (!rows.length || rows.length >= max) return;
      var copy = rows[rows.length - 1].cloneNode(true);
      renumberRow(copy, rows.length);
      copy.classList.remove("is-done");
      fields(copy).forEach(function (f) { if (f.hasAttribute("data-done")) f.checked = false; });
      list.appendChild(copy);
      if (rows.length + 1 >= max) addSet.disabled = true;
      var reps = copy.querySelector('input[name^="reps"]');
      if (reps) reps.focus();
      return;
    }
    var addExercise = event.target.closest("[data-add-exercise]");
    if (addExercise) {
      event.preventDefault();
      addExerciseBlock(addExercise);
      return;
    }
    var finish = event.target.closest("[data-finish]");
    if (finish) {
      event.preventDefault();
      var pain = document.querySelector("[data-pain-during]");
      if (pain) { pain.hidden = false; pain.scrollIntoView({ behavior: "smooth", block: "start" }); }
      finish.hidden = true;
    }
  });

  function addExerciseBlock(button) {
    var holder = document.getElementById("exercises");
    var blocks = holder.querySelectorAll("fieldset.exercise");
    var max = parseInt(holder.getAttribute("data-max-exercises") || "8", 10);
    if (!blocks.length || blocks.length >= max) return;
    var e = blocks.length;
    var copy = blocks[blocks.length - 1].cloneNode(true);
    copy.setAttribute("data-exercise", String(e));
    var legend = copy.querySelector("legend");
    if (legend) legend.textContent = "Exercise " + (e + 1);
    // exercise_1 → exercise_2, load_1_3 → load_2_3 (the exercise index comes first).
    fields(copy).forEach(function (field) {
      field.name = field.name.replace(/_(\d+)(_\d+)?$/, function (_, __, set) { return "_" + e + (set || ""); });
    });
    var rows = copy.querySelectorAll("[data-set-row]");
    for (var i = rows.length - 1; i > 0; i--) rows[i].remove();
    fields(copy).forEach(function (field) {
      if (field.tagName === "SELECT") chooseNothing(field);
      else if (field.type === "checkbox") field.checked = false;
      else field.value = "";
    });
    var name = copy.querySelector("label > .visually-hidden");
    if (name) name.textContent = "Exercise " + (e + 1);
    copy.querySelectorAll(".is-done").forEach(function (row) { row.classList.remove("is-done"); });
    var list = copy.querySelector("div.sets");
    list.id = "sets_" + e;
    var addSet = copy.querySelector("[data-add-set]");
    addSet.setAttribute("data-add-set", list.id);
    addSet.value = "add_set_" + e;
    addSet.disabled = false;
    holder.appendChild(copy);
    var select = copy.querySelector("select");
    if (select) select.focus();
    if (e + 1 >= max) button.disabled = true;
  }

  // A copied exercise starts unchosen: "Choose an exercise", as the server writes it.
  function chooseNothing(select) {
    var blank = select.querySelector('option[value=""]');
    if (!blank) {
      blank = document.createElement("option");
      blank.value = "";
      blank.textContent = "Choose an exercise";
      select.insertBefore(blank, select.firstChild);
    }
    select.value = "";
  }

  // --- Live session: one tap marks a set done and starts the rest timer; the pain
  // during is asked at the end ("Finish session").
  var live = document.querySelector("form[data-live]");
  if (live) {
    var pain = live.querySelector("[data-pain-during]");
    var finish = live.querySelector("[data-finish]");
    var chosen = live.querySelector('input[name="pain_during"]:checked');
    if (pain && finish && !(chosen && chosen.value !== "")) { pain.hidden = true; finish.hidden = false; }
    var timer = live.querySelector("[data-rest-timer]");
    var restStarted = 0;
    var tick = null;
    var showRest = function () {
      var seconds = Math.floor((Date.now() - restStarted) / 1000);
      timer.textContent = "Rest " + Math.floor(seconds / 60) + ":" + ("0" + (seconds % 60)).slice(-2);
    };
    live.addEventListener("change", function (event) {
      var done = event.target.closest("[data-done]");
      if (!done) return;
      var row = done.closest("[data-set-row]");
      if (row) row.classList.toggle("is-done", done.checked);
      if (done.checked && timer) {
        restStarted = Date.now();
        timer.hidden = false;
        showRest();
        if (tick) clearInterval(tick);
        tick = setInterval(showRest, 1000);
      }
    });
    // The session is over: no more rest to time.
    if (finish && timer) {
      finish.addEventListener("click", function () {
        if (tick) clearInterval(tick);
        tick = null;
        timer.hidden = true;
      });
    }
    live.querySelectorAll("[data-done]:checked").forEach(function (box) {
      box.closest("[data-set-row]").classList.add("is-done");
    });
  }

  // --- Saves that survive no signal.
  var status = document.querySelector("[data-sync-status]");
  var keptNote = "";
  if (keptFor >= 0) {
    var options = keptFor > 12 * 3600 * 1000 ? { weekday: "short", hour: "2-digit", minute: "2-digit" }
      : { hour: "2-digit", minute: "2-digit" };
    keptNote = "No connection: this page is as it was at " +
      new Date(Date.now() - keptFor).toLocaleString([], options) + ".";
  }
  var said = "";
  function say(text) {
    said = text;
    text = [keptNote, text].filter(Boolean).join(" ");
    var bar = status || document.getElementById("sync-bar");
    if (!bar) {
      bar = document.createElement("p");
      bar.id = "sync-bar";
      bar.className = "sync";
      bar.setAttribute("role", "status");
      var main = document.querySelector("main");
      if (!main) return;
      main.insertBefore(bar, main.firstChild);
    }
    bar.textContent = text;
    bar.hidden = !text;
    bar.classList.toggle("offline", Boolean(keptNote));
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function describe(summary) {
    var parts = [];
    if (summary.stored.length) parts.push("Synced: " + summary.stored.join("; ") + ".");
    if (summary.refused.length) {
      parts.push("Not saved, the server found a problem: " + summary.refused.join("; ") + ". Please log it again.");
    }
    if (summary.otherUser) {
      parts.push("Saves of " + summary.otherUser + " are kept on this phone: they sync once " + summary.otherUser +
        " logs in here again.");
    } else if (summary.signedOut) parts.push("Log in again to sync what is kept on this phone.");
    else if (summary.waiting) {
      parts.push(plural(summary.waiting, "entry is", "entries are") + " saved on this phone and will sync.");
    }
    return parts.join(" ");
  }

  function flush() {
    if (!outbox) return Promise.resolve();
    return outbox.flush().then(function (summary) {
      var text = describe({
        stored: summary.stored.map(function (e) { return e.label; }),
        refused: summary.refused.map(function (e) { return e.label; }),
        waiting: summary.waiting,
        signedOut: summary.signedOut,
        otherUser: summary.otherUser,
      });
      if (text) say(text);
      if (summary.stored.length && document.querySelector("[data-sync-status]")) {
        // Today: the plan changes with what was synced.
        setTimeout(function () { location.reload(); }, 1500);
      }
    }).catch(function () { /* IndexedDB unavailable: nothing was kept */ });
  }

  function labelOf(form) {
    var kind = form.getAttribute("data-offline");
    var when = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return (kind === "checkin" ? "check-in of " : "session of ") + when;
  }

  function keepAndSend(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var body = new URLSearchParams(data).toString();
    var who = document.querySelector("[data-user]");
    // The lifter who saved it: it is never sent as anyone else (outbox.js).
    var entry = { id: data.get("client_id") || randomId(), url: form.action, body: body, label: labelOf(form),
      kept: Date.now(), user: who ? who.getAttribute("data-user") : null };
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    return outbox.put(entry).then(function () {
      return outbox.send(entry).then(function (result) {
        if (result.verdict === "stored") {
          return outbox.remove(entry.id).then(function () { location.assign(result.response.url); });
        }
        if (result.verdict === "refused") {
          // Show the server's page with its problems; the entry was not stored.
          return outbox.remove(entry.id).then(function () { return result.response.text(); }).then(function (html) {
            document.open();
            document.write(html);
            document.close();
          });
        }
        offline(form, result.verdict === "signed-out");
      }, function () { offline(form, false); });
    }, function () {
      // No IndexedDB (a private window, say): send as a plain form.
      buttons.forEach(function (b) { b.disabled = false; });
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  function offline(form, signedOut) {
    var note = document.createElement("div");
    note.className = "kept";
    note.setAttribute("role", "status");
    note.setAttribute("data-kept", "");
    note.innerHTML = "<p><strong>Saved on this phone.</strong> " + (signedOut
      ? "Log in again and it will sync."
      : "No connection now: it will sync when you are back online. You can close the app.") +
      "</p><p><a class=\"button\" href=\"/\">Back to Today</a></p>";
    form.replaceWith(note);
    window.scrollTo(0, 0);
    if (navigator.serviceWorker && navigator.serviceWorker.ready) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.sync) return reg.sync.register("outbox");
      }).catch(function () { /* the page retries on its own */ });
    }
  }

  if (keptNote) say("");
  if (outbox) {
    document.querySelectorAll("form[data-offline]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var submitter = event.submitter;
        // "Add exercise"/"Add set" without the buttons' own handler (never here).
        if (submitter && submitter.name === "intent" && submitter.value !== "save") return;
        event.preventDefault();
        keepAndSend(form, submitter);
      });
    });
    window.addEventListener("online", function () {
      // Back online: this page is no longer "as it was"; Today (no form to lose) is
      // shown fresh.
      if (keptNote) {
        keptNote = "";
        say(said);
      }
      flush().then(function () {
        if (keptFor >= 0 && status) location.reload();
      });
    });
    setInterval(function () { if (navigator.onLine) flush(); }, 30000);
    flush();
  }

  // Log-out on a shared phone: warn about unsynced saves (they are dropped, as the
  // question says: never sent later as whoever logs in next), and forget the kept pages.
  document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!outbox) return;
      event.preventDefault();
      var logOut = function () {
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          navigator.serviceWorker.controller.postMessage("forget");
        }
        HTMLFormElement.prototype.submit.call(form);
      };
      outbox.all().then(function (entries) {
        if (!entries.length) return logOut();
        if (!confirm(plural(entries.length, "entry has", "entries have") +
          " not synced yet and will be lost if you log out now. Log out anyway?")) return;
        return outbox.clear().then(logOut, logOut);
      }, logOut);
    });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") {
        var text = describe(event.data.summary);
        if (text) say(text);
      }
    });
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* the app works without it */ });
    });
  }
})();
