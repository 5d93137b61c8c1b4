/* The chat page: show new messages without reloading (the page works without this). */
(function () {
  "use strict";
  var list = document.getElementById("messages");
  if (!list || !list.dataset.new || !window.fetch) { return; }
  var after = list.dataset.after;
  function poll() {
    if (document.hidden) { return; }
    fetch(list.dataset.new + "?after=" + encodeURIComponent(after), {credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { return null; }
        after = response.headers.get("X-Chat-Next") || after;
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
  window.setInterval(poll, 4000);
}());
