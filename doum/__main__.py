from doum.cli import main

main()
