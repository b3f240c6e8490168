// The periodic task admin form: show what a chosen crontab means (django-celery-beat's
// inline script, moved here so that a strict CSP still allows it).
(function ($) {
  "use strict";
  var readableCrontabs = JSON.parse($("#readable-crontabs").text());
  var originalCrontabHelp = $(".field-crontab .help").html() || "";

  var updateCrontabHelp = function (additional) {
    $(".field-crontab .help").html(
      originalCrontabHelp + "<br/>Translation: " + $("<span>").text(additional || "").html()
    );
  };

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    updateCrontabHelp(readableCrontabs[$("#id_crontab").val()]);
  });
})(django.jQuery);
