/* Service worker of the certificate verifier (CERT-4, served as /certificates/sw.js so that it
 * covers /certificates/): network first, and when there is no network the copy kept from the last
 * visit, for the verifier's pages, its files, the public keys and the revocation list. */
/* PRECACHE (the pages and the static files' current URLs) is written above this line by the view
 * that serves this file (certificates/views/offline.py). */
"use strict";
var CACHE = "certificate-verifier-v1";
var PAGES = self.PRECACHE || [];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PAGES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function kept(url) {
  return url.pathname.indexOf("/certificates/offline/") === 0 || url.pathname === "/certificates/verify/" ||
    url.pathname.indexOf("/static/") === 0;
}

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !kept(url)) { return; }
  event.respondWith(fetch(event.request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname === "/certificates/verify/" ? url.pathname : event.request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname === "/certificates/verify/" ? url.pathname : event.request, {ignoreSearch: true});
  }));
});
