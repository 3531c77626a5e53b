// Live job progress: the jobs page subscribes to the server's event stream and updates each row in place.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const table = document.querySelector("[data-job-events]");
  if (!table || !window.EventSource) return;
  const source = new EventSource(table.getAttribute("data-job-events"));
  source.addEventListener("jobs", (event) => {
    for (const job of JSON.parse(event.data)) {
      const row = document.getElementById("job-" + job.id);
      if (!row) continue;
      const percent = Math.round(job.progress * 100);
      row.querySelector("[data-state]").textContent = job.state;
      const bar = row.querySelector("progress");
      bar.value = job.progress;
      bar.textContent = percent + "%";
      row.querySelector("[data-percent]").textContent = percent + "%";
      row.querySelector("[data-message]").textContent = job.message || "";
      const results = row.querySelector("[data-results]");
      if (job.results.length && !results.childElementCount) {
        for (const name of job.results) {
          const link = document.createElement("a");
          link.href = "/console/jobs/" + encodeURIComponent(job.id) + "/results/" + encodeURIComponent(name);
          link.textContent = name;
          results.append(link, " ");
        }
      }
    }
  });
});
