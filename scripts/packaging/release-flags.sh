# Sourced by every script that builds the daemon as it ships or is measured (make install,
# make deb, make bench, make soak, make orderfile): one set of flags, so one release build serves
# all of them.
#
# - The Swift runtime is linked statically: no libswift*.so pages of its own to map.
# - Every function is compiled into a section of its own (-function-sections, for the Swift
#   modules and the C ones). The release link (Package.swift) lays those sections out in the order
#   of packaging/trackerd.order, the functions a running daemon executes, so its hot code is
#   contiguous and the kernel's 64 KiB fault-around maps little else (bench/README.md, "Peak RSS").
#   Without these flags the order file still links, but it can move only whole modules. The C
#   modules' data gets sections of its own too, so --gc-sections drops what nothing references.
# Needs $PWD to be the package root.
release_flags=(
    -c release --static-swift-stdlib
    -Xswiftc -Xfrontend -Xswiftc -function-sections
    -Xcc -ffunction-sections -Xcc -fdata-sections
)
