// Evidence files upload one by one, as soon as they are chosen, with a progress bar: a later
// error of the scorecard form then loses nothing. Without this script the file inputs are sent
// with the form, as before. The texts come translated from the page (data-msg-* attributes, where
// "{name}" stands for the file's name).
(function () {
  "use strict";

  var form = document.querySelector("form[data-evidence-form]");
  if (!form || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var texts = form.dataset;

  function setStatus(box, text, failed) {
    var status = box.querySelector(".evidence-status");
    status.textContent = text;
    status.classList.toggle("text-danger", !!failed);
    status.classList.toggle("text-success", !failed && !!text);
  }

  function addToList(box, file) {
    var list = box.querySelector(".evidence-list");
    var item = document.createElement("li");
    item.className = "evidence-item";
    var link = document.createElement("a");
    link.href = file.download_url;
    link.textContent = file.name;
    item.appendChild(link);
    var size = document.createElement("span");
    size.className = "text-muted ms-1";
    size.textContent = "(" + file.size_text + ")";
    item.appendChild(size);
    var remove = document.createElement("button");
    remove.type = "submit";
    remove.className = "btn btn-link btn-sm text-danger p-0 ms-2";
    remove.textContent = texts.msgRemove;
    // The page's one removal form (outside the scorecard form), sent to this file's address:
    // removing asks for confirmation on its own page.
    remove.setAttribute("form", "delete-evidence");
    remove.setAttribute("formaction", file.delete_url);
    item.appendChild(remove);
    if (file.preview_url) {
      var details = document.createElement("details");
      details.className = "evidence-preview";
      var summary = document.createElement("summary");
      summary.textContent = texts.msgView;
      details.appendChild(summary);
      details.addEventListener("toggle", function () {
        if (!details.open || details.querySelector(".evidence-frame")) {
          return;
        }
        var frame;
        if (/\.pdf$/i.test(file.name)) {
          frame = document.createElement("iframe");
          frame.title = file.name;
        } else {
          frame = document.createElement("img");
          frame.alt = file.name;
        }
        frame.className = "evidence-frame";
        frame.src = file.preview_url;
        details.appendChild(frame);
      });
      item.appendChild(details);
    }
    list.appendChild(item);
  }

  function upload(input) {
    var box = input.closest(".evidence");
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) {
      return;
    }
    var progress = box.querySelector(".evidence-progress");
    var next = function () {
      var file = files.shift();
      if (!file) {
        input.value = "";  // stored already: the form does not send it again
        return;
      }
      var limit = parseInt(texts.maxBytes, 10);
      if (limit && file.size > limit) {
        setStatus(box, texts.msgTooLarge, true);
        input.value = "";
        return;
      }
      var data = new FormData();
      data.append("file", file);
      var request = new XMLHttpRequest();
      request.open("POST", box.dataset.uploadUrl);
      request.setRequestHeader("X-CSRFToken", csrf.value);
      request.setRequestHeader("Accept", "application/json");
      progress.hidden = false;
      progress.value = 0;
      setStatus(box, texts.msgUploading.replace("{name}", file.name), false);
      request.upload.onprogress = function (event) {
        if (event.lengthComputable) {
          progress.value = Math.round((event.loaded / event.total) * 100);
        }
      };
      request.onload = function () {
        progress.hidden = true;
        var answer = null;
        try {
          answer = JSON.parse(request.responseText);
        } catch (error) {
          answer = null;
        }
        if (request.status >= 200 && request.status < 300 && answer && answer.id) {
          addToList(box, answer);
          setStatus(box, answer.message, false);
          next();
        } else {
          var message = answer && answer.error ? answer.error : texts.msgFailed.replace("{name}", file.name);
          setStatus(box, message, true);
          input.value = "";  // the refused file is not sent again with the form
        }
      };
      request.onerror = function () {
        progress.hidden = true;
        setStatus(box, texts.msgNetwork.replace("{name}", file.name), true);
        input.value = "";
      };
      request.send(data);
    };
    next();
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file].evidence-input")) {
      upload(input);
    }
  });

  // Every file is stored as soon as it is chosen (above): when no file is left to send, the
  // scores go as a plain form, which the server reads several times faster than a multipart
  // one (1,000 fields at 500 criteria).
  form.addEventListener("submit", function () {
    var pending = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
    form.enctype = pending ? "multipart/form-data" : "application/x-www-form-urlencoded";
  });
})();
