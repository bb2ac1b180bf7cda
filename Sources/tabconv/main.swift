#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TabConv

installSignalHandlers()
exit(CommandLineInterface().run(Array(CommandLine.arguments.dropFirst())))
