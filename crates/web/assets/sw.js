// Pullback's service worker: the app opens without signal, and saves kept on the
// phone (the outbox, see outbox.js) are sent when the connection returns.
//
// Pages are network-first: a page that loads is kept, so the last copy of Today,
// Log, Session and Check-in opens offline; without any copy, /offline explains.
// The JSON API is never cached. Nothing here decides training: the pages do.
"use strict";
importScripts("/assets/outbox.js");

var CACHE = "pullback-v1";
var SHELL = ["/offline", "/assets/style.css", "/assets/app.js", "/assets/outbox.js", "/assets/icon.svg",
  "/manifest.webmanifest"];
// Signed-in pages worth having offline; kept when the worker installs (best effort).
var PAGES = ["/", "/session", "/log", "/checkin", "/history"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL).then(function () {
      return Promise.all(PAGES.map(function (path) { return keepPage(cache, new Request(path)); }));
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) {
      return caches.delete(key);
    }));
  }).then(function () { return self.clients.claim(); }));
});

// A page is kept under its path (without the query: "/?saved=session" is "/"), and
// only when it is a signed-in page (not the log-in page a signed-out request lands on).
function keepPage(cache, request) {
  return fetch(request).then(function (response) {
    var landed = new URL(response.url || request.url).pathname;
    if (response.ok && landed !== "/login" && landed !== "/signup") {
      return cache.put(new URL(request.url).pathname, response.clone()).then(function () { return response; });
    }
    return response;
  }).catch(function () { return undefined; });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/api/") === 0 || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return keepPage(cache, request).then(function (response) {
        if (response) return response;
        return cache.match(url.pathname).then(function (kept) {
          return kept || cache.match("/offline");
        });
      });
    }));
    return;
  }
  if (url.pathname.indexOf("/assets/") === 0 || url.pathname === "/manifest.webmanifest") {
    // Stale while revalidate: fast, and fresh on the next load.
    event.respondWith(caches.open(CACHE).then(function (cache) {
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
    });
  }));
});

function summarise(summary) {
  return {
    stored: summary.stored.map(function (e) { return e.label; }),
    refused: summary.refused.map(function (e) { return e.label; }),
    waiting: summary.waiting,
    signedOut: summary.signedOut,
  };
}

self.addEventListener("message", function (event) {
  if (event.data === "forget") {
    // Log-out: nothing of this lifter's stays in the cache on a shared phone.
    event.waitUntil(caches.delete(CACHE));
  }
});
