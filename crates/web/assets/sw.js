// Pullback's service worker: the app opens without signal, and saves kept on the
// phone (the outbox, see outbox.js) are sent when the connection returns.
//
// Pages are network-first: a page that loads is kept, so the last copy of Today,
// Log, Session and Check-in opens offline; without any copy, /offline explains.
// The JSON API is never cached. Nothing here decides training: the pages do.
"use strict";
importScripts("/assets/outbox.js");

// The app's own files (never anyone's data), and the signed-in pages last seen,
// which log-out forgets.
var SHELL_CACHE = "pullback-shell-v2";
var PAGES_CACHE = "pullback-pages-v2";
var SHELL = ["/offline", "/assets/style.css", "/assets/app.js", "/assets/outbox.js", "/assets/icon.svg",
  "/manifest.webmanifest"];
// Signed-in pages worth having offline; kept when the worker installs (best effort).
var PAGES = ["/", "/session", "/log", "/checkin", "/history"];
// What is kept as it is opened: those, the check-in of a given session, the history's
// pages and the screenings. Never a clinician's pages: a clinician's look at a
// lifter is audited (a copy fetched in the background would be a look), and a
// clinic's computer has signal.
function keepable(url) {
  return PAGES.indexOf(url.pathname) >= 0 || url.pathname.indexOf("/history/") === 0 ||
    url.pathname === "/screening" || url.pathname === "/symmetry";
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (shell) {
    return shell.addAll(SHELL);
  }).then(function () {
    return caches.open(PAGES_CACHE);
  }).then(function (pages) {
    return Promise.all(PAGES.map(function (path) {
      var request = new Request(path, { credentials: "same-origin" });
      return fetch(request).then(function (response) { return keep(pages, request, response); })
        .catch(function () { /* best effort: pages are kept as they are opened */ });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== SHELL_CACHE && key !== PAGES_CACHE; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

// The key a page is kept under: its path and query (a check-in of a given session
// is not the plain Check-in tab), without `saved` ("Session saved." is said once).
function pageKey(href) {
  var url = new URL(href);
  url.searchParams.delete("saved");
  return url.pathname + url.search;
}

// Keeps a page's response, when it is a signed-in page (not the log-in page a
// signed-out request lands on, nor an error). A page that says what was just saved
// is kept as a fresh copy without that line.
function keep(cache, request, response) {
  var url = new URL(request.url);
  var landed = new URL(response.url || request.url).pathname;
  if (landed === "/login" || landed === "/signup") {
    // Nobody is signed in here: nothing of the last lifter's stays on the phone.
    return caches.delete(PAGES_CACHE);
  }
  // A redirected response cannot answer a navigation later; only whole pages are kept.
  if (!keepable(url) || !response.ok || response.redirected || response.type !== "basic") return Promise.resolve();
  if (url.searchParams.has("saved")) {
    var clean = new Request(pageKey(url.href), { credentials: "same-origin" });
    return fetch(clean).then(function (fresh) { return keep(cache, clean, fresh); });
  }
  // Kept with the time it was kept (this worker's clock), for its age when it is shown.
  return response.blob().then(function (body) {
    var headers = bodyless(response.headers);
    headers.set("X-Pullback-Kept-At", String(Date.now()));
    return cache.put(pageKey(url.href), new Response(body, { status: response.status, headers: headers }));
  });
}

// A kept page as the answer to a navigation without signal: marked with its age
// (`<html data-kept-for="ms">`), so that the page says it is a copy and a form moves
// its "now" on (app.js).
function shown(kept) {
  var age = Math.max(0, Date.now() - Number(kept.headers.get("X-Pullback-Kept-At") || Date.now()));
  return kept.text().then(function (html) {
    return new Response(html.replace(/<html\b/i, '<html data-kept-for="' + age + '"'), {
      status: kept.status,
      headers: bodyless(kept.headers),
    });
  });
}

// A response's headers for a new body: without those that described the old one.
function bodyless(from) {
  var headers = new Headers(from);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  return headers;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0 || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    // Network first; the kept copy (or /offline) only without a connection.
    event.respondWith(fetch(request).then(function (response) {
      // Copied now: once answered, the page reads the response's body.
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES_CACHE).then(function (cache) {
        return keep(cache, request, copy);
      }).catch(function () { /* a page not kept is fetched again next time */ }));
      return response;
    }, function () {
      return caches.open(PAGES_CACHE).then(function (cache) {
        return cache.match(pageKey(request.url));
      }).then(function (kept) {
        return kept ? shown(kept) : caches.match("/offline");
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/assets/") === 0 || url.pathname === "/manifest.webmanifest") {
    // Stale while revalidate: fast, and fresh on the next load.
    event.respondWith(caches.open(SHELL_CACHE).then(function (cache) {
      return cache.match(request).then(function (kept) {
        var fresh = fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        }).catch(function () { return kept; });
        return kept || fresh;
      });
    }));
  }
});

// Background Sync: the browser wakes the worker when the connection is back.
self.addEventListener("sync", function (event) {
  if (event.tag !== "outbox") return;
  event.waitUntil(self.pullbackOutbox.flush().then(function (summary) {
    return self.clients.matchAll().then(function (clients) {
      clients.forEach(function (client) { client.postMessage({ type: "outbox", summary: summarise(summary) }); });
      // Still no connection: failing asks the browser to try again later (a lifter
      // who must log in first is not helped by that; the pages try again then).
      if (summary.waiting && !summary.signedOut && !summary.otherUser) throw new Error("entries still wait");
    });
  }));
});

function summarise(summary) {
  return {
    stored: summary.stored.map(function (e) { return e.label; }),
    refused: summary.refused.map(function (e) { return e.label; }),
    waiting: summary.waiting,
    signedOut: summary.signedOut,
    otherUser: summary.otherUser,
  };
}

self.addEventListener("message", function (event) {
  if (event.data === "forget") {
    // Log-out: nothing of this lifter's stays in the cache on a shared phone.
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});

// Check-in reminders (Web Push, see Settings → Reminders): the server sends which
// check-in is due; the notification says only that, in plain words, and opens the
// check-in when tapped.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  var url = typeof data.url === "string" && data.url.indexOf("/") === 0 ? data.url : "/checkin";
  event.waitUntil(self.registration.showNotification(data.title || "Pullback check-in", {
    body: data.body || "A check-in is due: how is your back?",
    tag: data.tag || "pullback-checkin",
    icon: "/assets/icon.svg",
    data: { url: url },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/checkin";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if ("navigate" in windows[i]) {
        return windows[i].navigate(url).then(function (w) { return w && w.focus(); });
      }
    }
    return self.clients.openWindow(url);
  }));
});
