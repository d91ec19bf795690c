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
  };

  // What the server's answer means for an entry:
  // "stored" (a redirect to Today, or any page the save ended on), "refused" (422: the
  // form has problems to fix), "signed-out" (the log-in page), or "retry".
  outbox.verdict = function (response) {
    if (response.status === 422) return "refused";
    if (!response.ok) return "retry";
    var path = new URL(response.url).pathname;
    if (path === "/login" || path === "/signup") return "signed-out";
    return "stored";
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

  // The form token of the current browser session, read from a page's form: a save
  // kept from before a new log-in carries the old session's token (403).
  function freshToken() {
    return fetch("/checkin", { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var found = /name="csrf" value="([0-9a-f]+)"/.exec(html);
      return found ? found[1] : null;
    });
  }

  // Sends one entry. Resolves to { verdict, response }; rejects when there is no
  // network (the entry stays for later).
  outbox.send = function (entry) {
    return post(entry).then(function (response) {
      if (response.status !== 403) return response;
      return freshToken().then(function (token) {
        if (!token) return response;
        var body = new URLSearchParams(entry.body);
        body.set("csrf", token);
        entry.body = body.toString();
        return outbox.put(entry).then(function () { return post(entry); });
      });
    }).then(function (response) {
      return { verdict: outbox.verdict(response), response: response };
    });
  };

  // Sends every entry; removes those stored (and refused ones, which the server will
  // never take as they are, after keeping their problem). Resolves to a summary.
  outbox.flush = function () {
    return outbox.all().then(function (entries) {
      var summary = { stored: [], refused: [], waiting: 0, signedOut: false };
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
            summary.waiting += 1;
          }, function () { summary.waiting += 1; });
        });
      }, Promise.resolve()).then(function () { return summary; });
    });
  };

  scope.pullbackOutbox = outbox;
})(typeof self !== "undefined" ? self : this);
