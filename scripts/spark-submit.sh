#!/usr/bin/env bash
# Submits an audiencelake job to a Spark cluster with the real spark-submit (from $SPARK_HOME or PATH).
#   scripts/spark-submit.sh [spark-submit options --] <job> --config conf/prod.yaml --date YYYY-MM-DD ...
# Example:
#   scripts/spark-submit.sh --master yarn --deploy-mode cluster --num-executors 20 -- \
#     inventory --config prod.yaml --date 2025-06-30
# In cluster deploy mode the config file is shipped with --files and named by its base name.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
jar=$(ls "$here"/jobs/target/audiencelake-jobs-*-spark.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ]; then
  (cd "$here" && mvn -q -B -DskipTests package)
  jar=$(ls "$here"/jobs/target/audiencelake-jobs-*-spark.jar | head -n 1)
fi
submit="${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit"

spark_args=()
if printf '%s\n' "$@" | grep -qx -- '--'; then
  while [ "$1" != "--" ]; do spark_args+=("$1"); shift; done
  shift
fi
job_args=("$@")
# Ship a local config file to the driver in cluster mode and refer to it by name there.
for i in "${!job_args[@]}"; do
  if [ "${job_args[$i]}" = "--config" ] || [ "${job_args[$i]}" = "-c" ]; then
    file="${job_args[$((i + 1))]}"
    if [ -f "$file" ]; then
      spark_args+=(--files "$file")
      if printf '%s\n' "${spark_args[@]}" | grep -qx cluster; then job_args[$((i + 1))]=$(basename "$file"); fi
    fi
  fi
done

exec "$submit" --class io.audiencelake.jobs.Main ${spark_args[@]+"${spark_args[@]}"} "$jar" "${job_args[@]}"
