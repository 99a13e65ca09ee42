// On a phone the results come first: the form's dates and order fold away (one tap opens
// them) unless one of them is set. Without JavaScript they stay open, as on a wide screen.
(function () {
  "use strict";
  var box = document.getElementById("filters");
  if (!box || box.hasAttribute("data-set")) { return; }
  if (window.matchMedia("(max-width: 40rem)").matches) { box.open = false; }
})();
