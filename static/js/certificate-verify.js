/* Offline verification of a certificate's QR code (CERT-4), in the browser.
 *
 * The QR link ends in #c=<statement> (a fragment: never sent to the server). The statement is
 * JLC1.<message>.<signature>, base64url; the message a JSON array
 *   [1, key_id, number, masked name, masked ID number, occupation, level, issued_on, authority, body]
 * signed with Ed25519 (certificates/signing.py). The province's public keys and its signed
 * revocation list are fetched from fixed URLs when online and kept in localStorage; a service
 * worker (/certificates/sw.js) keeps this page and its files for when there is no network.
 * Ed25519 comes from the browser's WebCrypto. Everything shown is set as text, never as HTML.
 */
(function () {
  "use strict";
  var KEYS_URL = "/certificates/offline/keys.json";
  var LIST_URL = "/certificates/offline/revocations.json";
  var LEVELS = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"};

  function unb64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) { throw new Error("base64url"); }
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function day(iso) {
    var p = (iso || "").slice(0, 10).split("-");
    return p.length === 3 ? (+p[0]) + "年" + (+p[1]) + "月" + (+p[2]) + "日" : iso;
  }

  async function fetchKept(url, storeKey) {
    try {
      var response = await fetch(url, {cache: "no-cache", credentials: "omit"});
      if (!response.ok) { throw new Error(String(response.status)); }
      var text = await response.text();
      var data = JSON.parse(text);
      try { localStorage.setItem(storeKey, text); } catch (e) { /* private mode: no keeping */ }
      return {data: data, kept: false};
    } catch (e) {
      var kept = null;
      try { kept = localStorage.getItem(storeKey); } catch (e2) { kept = null; }
      return kept ? {data: JSON.parse(kept), kept: true} : null;
    }
  }

  function Unsupported(message) { this.message = message; }

  async function open(token, prefix, keys) {
    var parts = String(token).trim().split(".");
    if (parts.length !== 3 || parts[0] !== prefix) { throw new Error("这不是本省签发的证书核验码（格式不符）。"); }
    var body, signature, message;
    try {
      body = unb64url(parts[1]);
      signature = unb64url(parts[2]);
      message = JSON.parse(new TextDecoder("utf-8", {fatal: true}).decode(body));
    } catch (e) {
      throw new Error("核验码已损坏或被改动，无法读取。");
    }
    if (!Array.isArray(message) || message.length < 2 || typeof message[1] !== "string") {
      throw new Error("核验码已损坏或被改动，无法读取。");
    }
    var publicKey = keys[message[1]];
    if (!publicKey) {
      throw new Error("核验码的签名密钥" + message[1].slice(0, 32) + "不在已知的公钥中：请联网更新公钥后再核验，仍不认识则不是本省签发。");
    }
    var key, ok = false;
    try {
      key = await crypto.subtle.importKey("raw", publicKey, {name: "Ed25519"}, false, ["verify"]);
    } catch (e) {  // an older browser, or a page not opened over https: not a forgery
      throw new Unsupported("此浏览器无法核验电子签名（需较新的浏览器，并通过https打开），请输入姓名联网查验。");
    }
    try {
      ok = await crypto.subtle.verify({name: "Ed25519"}, key, signature, body);
    } catch (e) {
      ok = false;
    }
    if (!ok) { throw new Error("签名核验失败：核验码被改动或伪造，证书不可信。"); }
    return message;
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function show(box, status, title, facts, note) {
    box.replaceChildren();
    box.hidden = false;
    box.className = "card verify-result " + (status === "valid" ? "valid" : "invalid");
    box.setAttribute("data-status", status);
    box.appendChild(el("h2", title, status === "valid" ? {} : {"class": "late"}));
    if (facts) {
      var dl = el("dl", "", {"class": "facts"});
      facts.forEach(function (pair) { dl.appendChild(el("dt", pair[0])); dl.appendChild(el("dd", pair[1])); });
      box.appendChild(dl);
    }
    if (note) { box.appendChild(el("p", note, {"class": "muted"})); }
  }

  async function check(token, box) {
    show(box, "checking", "正在核验签名……");
    var keysDoc = await fetchKept(KEYS_URL, "certificate-verifier-keys");
    var listDoc = await fetchKept(LIST_URL, "certificate-verifier-revocations");
    if (!keysDoc) { show(box, "error", "无法核验：尚未下载省鉴定中心的公钥，请联网打开本页一次。"); return; }
    var keys = {};
    (keysDoc.data.keys || []).forEach(function (k) { keys[k.key_id] = unb64url(k.public_key); });
    var s;
    try {
      s = await open(token, "JLC1", keys);
      if (s.length !== 10 || s[0] !== 1) { throw new Error("核验码的版本不受支持，请更新核验工具。"); }
    } catch (e) {
      if (e instanceof Unsupported) { show(box, "unsupported", "无法在本机核验", null, e.message); } else {
        show(box, "forged", "证书不可信", null, e.message);
      }
      return;
    }
    var facts = [["证书编号", s[2]], ["持证人", s[3]], ["身份证号", s[4]], ["职业", s[5]],
      ["等级", LEVELS[s[6]] || String(s[6])], ["发证日期", day(s[7])], ["发证机关", s[8]], ["鉴定机构", s[9]]];
    var revokedOn = null, listNote;
    if (listDoc) {
      try {
        var list = await open(listDoc.data.list, "JLR1", keys);
        (list[3] || []).forEach(function (r) { if (r[0] === s[2]) { revokedOn = r[1]; } });
        listNote = "吊销名单生成于" + list[2].replace("T", " ").slice(0, 19) + (listDoc.kept ? "（离线保存的名单，联网后自动更新）" : "");
      } catch (e) {
        listNote = "吊销名单不可信，未能核对吊销情况：" + e.message;
      }
    } else {
      listNote = "尚未下载吊销名单，未能核对吊销情况，请联网后再核验。";
    }
    if (revokedOn) {
      show(box, "revoked", "证书已吊销（" + day(revokedOn) + "）", facts, "签名真实，但该证书已被吊销，不再有效。" + listNote);
    } else {
      show(box, "valid", "证书有效（签名核验通过）", facts, "证书内容与省鉴定中心的电子签名相符，证书由本系统核发。" + listNote +
        " 证书数据逐级上报、经省鉴定中心接收后，方可在线查验到；联网时可在“证书查验”页输入姓名在线查验。" +
        " 请核对持证人本人身份证件。");
    }
  }

  function tokenOf(text) {
    var t = String(text || "").trim();
    var at = t.indexOf("#c=");
    return at >= 0 ? t.slice(at + 3) : t;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-offline-result]");
    if (!box) { return; }
    if ("serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register("/certificates/sw.js").catch(function () { /* online only */ });
    }
    function fromLink() {
      if (location.hash.indexOf("#c=") === 0) { check(location.hash.slice(3), box); }
    }
    fromLink();
    window.addEventListener("hashchange", fromLink);
    var form = document.querySelector("[data-offline-form]");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        check(tokenOf(form.querySelector("textarea").value), box);
      });
    }
  });
})();
