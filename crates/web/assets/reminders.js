// Settings → Reminders: turns Web Push on and off for this browser. The server's
// public key is on the page (data-key); the subscription goes to the server as a
// form with the page's CSRF token. Without push support (or JavaScript) the page
// says so and the calendar link still works.
"use strict";
(function () {
  var section = document.getElementById("push");
  if (!section) return;
  var status = document.getElementById("push-status");
  var on = document.getElementById("push-on");
  var off = document.getElementById("push-off");
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function say(text) { status.textContent = text; }

  function key(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function post(path, fields) {
    var body = new URLSearchParams(fields);
    body.set("csrf", section.dataset.csrf);
    return fetch(path, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("the server said " + response.status);
    });
  }

  function show(subscription) {
    on.hidden = !!subscription;
    off.hidden = !subscription;
    say(subscription ? "Notifications are on for this device." : "Notifications are off for this device.");
  }

  if (!supported) {
    say("This browser cannot show notifications from Pullback. Install the app first (on an iPhone: " +
      "Share → Add to Home Screen, then open it from there), or use the calendar link.");
    return;
  }

  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription().then(show);
  }).catch(function () { say("Notifications need the app's service worker (HTTPS)."); });

  on.addEventListener("click", function () {
    say("Asking for permission…");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("notifications are not allowed in this browser's settings");
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(section.dataset.key) });
    }).then(function (subscription) {
      var json = subscription.toJSON();
      return post("/settings/reminders/push", {
        endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth,
      }).then(function () { show(subscription); });
    }).catch(function (error) { say("Notifications could not be turned on: " + error.message + "."); });
  });

  off.addEventListener("click", function () {
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return show(null);
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post("/settings/reminders/push/delete", { endpoint: endpoint });
      }).then(function () { show(null); });
    }).catch(function (error) { say("Notifications could not be turned off: " + error.message + "."); });
  });
})();
