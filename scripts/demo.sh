#!/usr/bin/env bash
# The main job, from a fresh clone: set up, scaffold a demo project from the Copier template,
# lint it, list its routes and print its graphs; then lint the example project with planted
# problems.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
BK=.venv/bin/backendkit
DEMO="${DEMO_DIR:-demo}"

echo "== backendkit new $DEMO --defaults"
rm -rf "$DEMO"
$BK new "$DEMO" --defaults --data project_name="Demo API"
echo
echo "== backendkit lint $DEMO  (a generated project has zero findings)"
$BK lint "$DEMO"
echo
echo "== backendkit routes $DEMO"
$BK routes "$DEMO"
echo
echo "== backendkit graph $DEMO --kind imports --depth 2 --format mermaid  (package import graph)"
$BK graph "$DEMO" --kind imports --depth 2 --format mermaid
echo
echo "== backendkit graph $DEMO --kind calls --focus create_item --format mermaid  (who calls what)"
$BK graph "$DEMO" --kind calls --focus create_item --format mermaid
echo
echo "== backendkit graph $DEMO --kind routes --format html > $DEMO/routes.html  (routes and their dependencies)"
$BK graph "$DEMO" --kind routes --format html > "$DEMO/routes.html"
echo "wrote $DEMO/routes.html"
echo
echo "== backendkit lint examples/shop  (an example project with planted problems)"
$BK lint examples/shop --statistics || [ $? -eq 1 ]
echo
echo "== backendkit routes examples/shop"
$BK routes examples/shop
