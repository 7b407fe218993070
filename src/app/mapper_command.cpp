#include "app/mapper_command.hpp"

#include "app/model_command.hpp"
#include "report/json_report.hpp"
#include "report/mapping_yaml.hpp"
#include "report/search_report.hpp"
#include "report/text_report.hpp"

namespace qloop::app {

MapperRun run_mapper(const MapperRequest& request, const RunControl& control) {
  MapperRun run{input::load_mapper_inputs(request.sources), {}};
  tell_notes(run.inputs.notes, control);
  auto& in = run.inputs;
  apply(request.overrides, in.settings, control.note);
  auto primary = in.settings.objectives.front();
  std::function<void(const MapperProgress&)> progress;
  if (control.progress) {
    progress = [&](const MapperProgress& p) { control.progress(report::progress_line(p, primary)); };
  }
  run.result = qloop::run_mapper(in.architecture, in.workload, in.constraints, in.settings, control.stop, progress);
  return run;
}

nlohmann::ordered_json mapper_stats_json(const MapperRun& run) {
  const auto& r = run.result;
  nlohmann::ordered_json out;
  if (r.found) {
    out = report::to_json(r.stats);
  } else {
    out = {{"valid", false},
           {"reason", report::no_mapping_reason(r.report, run.inputs.architecture, run.inputs.workload)}};
  }
  out["search"] = report::search_json(r.report, run.inputs.architecture, run.inputs.workload);
  return out;
}

nlohmann::ordered_json mapper_result_json(const MapperRun& run) {
  const auto& r = run.result;
  nlohmann::ordered_json out{{"found", r.found}};
  if (r.found) {
    out["mapping"] = report::mapping_yaml(run.inputs.architecture, run.inputs.workload, r.best);
  } else {
    out["reason"] = report::no_mapping_reason(r.report, run.inputs.architecture, run.inputs.workload);
  }
  out["stats"] = mapper_stats_json(run);
  out["search"] = report::search_json(r.report, run.inputs.architecture, run.inputs.workload);
  return out;
}

Output mapper_output(const MapperRun& run) {
  const auto& r = run.result;
  const auto& in = run.inputs;
  Output out;
  out.files = {{"qloop.search.csv", report::search_csv(r.report)},
               {"qloop.stats.json", mapper_stats_json(run).dump(2) + "\n"}};
  out.complete = r.found;
  if (!r.found) {
    out.summary =
        "no valid mapping: " + report::no_mapping_reason(r.report, run.inputs.architecture, run.inputs.workload) + "\n";
    return out;
  }
  out.files.push_back({"qloop.map.yaml", report::mapping_yaml(in.architecture, in.workload, r.best)});
  out.files.push_back({"qloop.map.txt", report::map_text(in.architecture, in.workload, r.best)});
  out.files.push_back({"qloop.stats.txt", report::stats_text(r.stats, in.architecture, in.workload, r.best) + "\n" +
                                              report::search_text(r.report, in.architecture, in.workload)});
  out.summary = report::summary_text(r.stats) + report::search_text(r.report, in.architecture, in.workload);
  return out;
}

}  // namespace qloop::app
