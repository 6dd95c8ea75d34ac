/* Spontane iframe app, last script: runs the first search when the partner gave a job and a
   place, then tells the partner page it is ready. */
(() => {
  "use strict";
  const { state, runSearch, post, reportHeight } = window.SpontaneApp;
  if (state.job && state.place) runSearch(1);
  post("ready");
  reportHeight();
})();
