// A tiny DSL for hand-written histories: times in plain integers.
import Checker

func b(_ text: String) -> Bytes { Array(text.utf8) }

func op(_ process: Int, _ invoke: Int64, _ complete: Int64?, _ call: Call, _ outcome: Outcome) -> Operation {
    Operation(process: process, call: call, invokeNs: invoke, completeNs: complete, outcome: outcome)
}

func get(_ key: String) -> Call { .get(key: b(key)) }
func set(_ key: String, _ value: String, _ condition: SetCondition = .none) -> Call {
    .set(key: b(key), value: b(value), condition: condition)
}
func cas(_ key: String, _ expected: String, _ new: String) -> Call { .cas(key: b(key), expected: b(expected), new: b(new)) }
func incr(_ key: String, _ by: Int64 = 1) -> Call { .incr(key: b(key), by: by) }
func del(_ keys: String...) -> Call { .del(keys: keys.map(b)) }
func mset(_ pairs: (String, String)...) -> Call { .mset(pairs: pairs.map { KeyValue(key: b($0.0), value: b($0.1)) }) }
func mget(_ keys: String...) -> Call { .mget(keys: keys.map(b)) }

func read(_ value: String?) -> Outcome { .ok(.value(value.map(b))) }
let ok = Outcome.ok(.ok)
let applied = Outcome.ok(.applied(true))
let notApplied = Outcome.ok(.applied(false))
func swapped(_ flag: Bool) -> Outcome { .ok(.swapped(flag)) }
func integer(_ value: Int64) -> Outcome { .ok(.integer(value)) }
func count(_ value: Int) -> Outcome { .ok(.count(value)) }
func values(_ vals: String?...) -> Outcome { .ok(.values(vals.map { $0.map(b) })) }
func setPX(_ key: String, _ value: String, _ ms: Int64 = 100) -> Call { .setPX(key: b(key), value: b(value), ms: ms) }
func expire(_ key: String, _ ms: Int64 = 100) -> Call { .expire(key: b(key), ms: ms) }
func getSet(_ key: String, _ value: String) -> Call { .getSet(key: b(key), value: b(value)) }
func getDel(_ key: String) -> Call { .getDel(key: b(key)) }
