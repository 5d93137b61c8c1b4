/* The chat page: show new messages without reloading (the page works without this). */
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list || !list.dataset.new || !window.fetch) { return; }
  var after = list.dataset.after;
  var timer = null;
  function stop() {
    window.clearInterval(timer);
  }
  function poll() {
    if (document.hidden) { return; }
    fetch(list.dataset.new + "?after=" + encodeURIComponent(after),
          {credentials: "same-origin", redirect: "manual", headers: {"Accept": "text/html"}})
      .then(function (response) {
        var next = response.headers.get("X-Chat-Next");
        // Only the chat's own answer is a list of messages. A redirect (the
        // session ended: the login page) or a refusal (no longer a member)
        // stops the polling; the page still works by reloading.
        if (response.type === "opaqueredirect" || [401, 403, 404].indexOf(response.status) !== -1) {
          stop();
          return null;
        }
        if (!response.ok || !next) { return null; }
        after = next;
        return response.text();
      })
      .then(function (html) {
        if (!html || !html.trim()) { return; }
        var empty = document.getElementById("no-messages");
        if (empty) { empty.remove(); }
        list.insertAdjacentHTML("beforeend", html);
      })
      .catch(function () {});
  }
  timer = window.setInterval(poll, 4000);
}());
