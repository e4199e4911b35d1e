// The ballot code comes in the URL's fragment (#CODE), which browsers never send to the
// server (so it is in no server log): put it in the form, drop it from the address bar and
// send step 1 (a POST) to show the ballot.
(function () {
  "use strict";
  var form = document.getElementById("vote-code-form");
  var code = decodeURIComponent((window.location.hash || "").slice(1)).trim();
  if (code) {
    history.replaceState(null, "", window.location.pathname);
  }
  if (!form || !code) {
    return;
  }
  form.elements.code.value = code;
  form.submit();
})();
// Step 2: at most `data-seats` candidates; a blank ballot unticks the candidates.
(function () {
  "use strict";
  var form = document.getElementById("vote-form");
  if (!form) {
    return;
  }
  var seats = parseInt(form.getAttribute("data-seats"), 10) || 1;
  var boxes = form.querySelectorAll("input[name=choice]");
  var blank = form.querySelector("input[name=blank]");
  function update() {
    var ticked = form.querySelectorAll("input[name=choice]:checked").length;
    boxes.forEach(function (box) {
      box.disabled = !box.checked && ticked >= seats;
    });
  }
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked && blank) {
        blank.checked = false;
      }
      update();
    });
  });
  if (blank) {
    blank.addEventListener("change", function () {
      if (blank.checked) {
        boxes.forEach(function (box) {
          box.checked = false;
        });
      }
      update();
    });
  }
  update();
})();
