// The check-in code comes in the URL's fragment (#CODE), which browsers never send to the
// server: put it in the form, drop it from the address bar, and send the form (a POST).
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  var code = decodeURIComponent((window.location.hash || "").slice(1)).trim();
  if (!form || !code) {
    return;
  }
  history.replaceState(null, "", window.location.pathname);
  form.elements.code.value = code;
  form.submit();
})();
