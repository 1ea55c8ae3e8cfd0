#!/bin/sh
# cli_interrupt_polls.sh WASMC OBJDUMP MODULE.wasm
# `wasmc --interrupt-polls` reaches the compiler: that artifact reads the
# interrupt flag (vmctx offset 24: `cmpl $0x0, 0x18(%reg)`) and the default
# one, which relies on the runtime's signal, never does.
set -eu
wasmc=$1 objdump=$2 module=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$wasmc" "$module" -o "$dir/default.so"
"$wasmc" "$module" -o "$dir/polls.so" --interrupt-polls
pattern='cmpl[[:space:]]+\$0x0, 0x18\(%r'
default=$("$objdump" -d "$dir/default.so" | grep -cE "$pattern" || true)
polls=$("$objdump" -d "$dir/polls.so" | grep -cE "$pattern" || true)
echo "flag reads: default $default, --interrupt-polls $polls"
[ "$default" -eq 0 ] && [ "$polls" -gt 0 ]
