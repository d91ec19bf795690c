// The outbox: form saves (a session, a check-in) kept on this phone until the
// server has them. Shared by the pages (app.js) and the service worker (sw.js).
//
// Each entry is the form's URL-encoded body with its client id. The server stores
// a given client id once, so sending an entry again (after a lost answer, from the
// page and the service worker at the same time) never doubles it: an entry leaves
// the outbox only once the server has answered that it is stored.
(function (scope) {
  "use strict";
  var DB = "pullback";
  var STORE = "outbox";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        Promise.resolve(work(tx.objectStore(STORE))).then(function (value) { result = value; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function request(store, method, arg) {
    return new Promise(function (resolve, reject) {
      var r = store[method](arg);
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  var outbox = {
    put: function (entry) { return run("readwrite", function (s) { return request(s, "put", entry); }); },
    remove: function (id) { return run("readwrite", function (s) { return request(s, "delete", id); }); },
    all: function () { return run("readonly", function (s) { return request(s, "getAll"); }); },
    clear: function () { return run("readwrite", function (s) { return request(s, "clear"); }); },
  };

  // What the server's answer means for an entry: "stored" (only the server's own
  // answer to a save, the redirect to Today that says what was saved), "refused" (422:
  // the form has problems to fix), "signed-out" (the log-in page), or "retry" (anything
  // else: an error, or a page that is not the server's answer, a Wi-Fi log-in say).
  outbox.verdict = function (response) {
    if (response.status === 422) return "refused";
    if (!response.ok) return "retry";
    var url = new URL(response.url);
    if (url.origin !== scope.location.origin) return "retry";
    if (url.pathname === "/login" || url.pathname === "/signup") return "signed-out";
    if (url.pathname === "/" && url.searchParams.has("saved")) return "stored";
    return "retry";
  };

  function post(entry) {
    return fetch(entry.url, {
      method: "POST",
      body: entry.body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      credentials: "same-origin",
      redirect: "follow",
    });
  }

  // Who is signed in now, and the form token of their browser session, read from a
  // page: a save kept from before a new log-in carries the old session's token (403).
  function signedIn() {
    return fetch("/checkin", { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var user = /data-user="([^"]*)"/.exec(html);
      var token = /name="csrf" value="([0-9a-f]+)"/.exec(html);
      return { user: user && user[1], token: token && token[1] };
    });
  }

  // Sends one entry. Resolves to { verdict, response }; rejects when there is no
  // network (the entry stays for later). An entry is only ever sent again as the
  // lifter who saved it: when someone else is signed in now, it waits ("other-user").
  outbox.send = function (entry) {
    return post(entry).then(function (response) {
      if (response.status !== 403) return { verdict: outbox.verdict(response), response: response };
      return signedIn().then(function (now) {
        if (!now.user) return { verdict: "signed-out", response: response };
        if (entry.user && now.user !== entry.user) return { verdict: "other-user", response: response };
        if (!now.token) return { verdict: outbox.verdict(response), response: response };
        var body = new URLSearchParams(entry.body);
        body.set("csrf", now.token);
        entry.body = body.toString();
        return outbox.put(entry).then(function () { return post(entry); }).then(function (again) {
          return { verdict: outbox.verdict(again), response: again };
        });
      });
    });
  };

  // Sends every entry; removes those stored (and refused ones, which the server will
  // never take as they are, after keeping their problem). Resolves to a summary.
  outbox.flush = function () {
    return outbox.all().then(function (entries) {
      var summary = { stored: [], refused: [], waiting: 0, signedOut: false, otherUser: null };
      return entries.reduce(function (previous, entry) {
        return previous.then(function () {
          return outbox.send(entry).then(function (result) {
            if (result.verdict === "stored") {
              summary.stored.push(entry);
              return outbox.remove(entry.id);
            }
            if (result.verdict === "refused") {
              summary.refused.push(entry);
              return outbox.remove(entry.id);
            }
            if (result.verdict === "signed-out") summary.signedOut = true;
            if (result.verdict === "other-user") summary.otherUser = entry.user;
            summary.waiting += 1;
          }, function () { summary.waiting += 1; });
        });
      }, Promise.resolve()).then(function () { return summary; });
    });
  };

  scope.pullbackOutbox = outbox;
})(typeof self !== "undefined" ? self : this);
