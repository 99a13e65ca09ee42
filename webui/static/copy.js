// "Copy link" buttons: hidden without JavaScript (the links are still there to copy by hand).
// A button copies its data-copy text, or the text of the element named by data-copy-from.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button.copy").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var from = button.getAttribute("data-copy-from");
      // A link is copied whole: a relative one (the site's address unknown) is resolved
      // against the address the browser used.
      var text = from ? document.getElementById(from).textContent
        : new URL(button.getAttribute("data-copy"), document.baseURI).href;
      navigator.clipboard.writeText(text).then(function () {
        button.textContent = "Copied";
      }, function () {
        button.textContent = "Copy failed: select and copy by hand";
      });
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
})();
