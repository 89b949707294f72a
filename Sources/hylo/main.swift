// The hylo command-line tool: `hylo demo`, `hylo version`, `hylo bench engine`.
import Glibc
import HyloCore
import HyloNN

let arguments = Array(CommandLine.arguments.dropFirst())

func usage() -> Never {
    print("""
    usage: hylo <command>
      demo                 run the built-in demonstration (no downloads)
      version              print the version
      bench engine [steps] time an MLP training step (the Hylo side of benchmarks/run engine)
    """)
    exit(2)
}

switch arguments.first {
case "demo": runDemo()
case "version": print("hylo 0.1.0")
case "bench":
    guard arguments.count >= 2, arguments[1] == "engine" else { usage() }
    runEngineBenchmark(steps: arguments.count > 2 ? Int(arguments[2]) ?? 200 : 200)
default: usage()
}
