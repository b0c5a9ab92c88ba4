from tests.conformance.doubles.serve import main

main()
