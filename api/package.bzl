"""The library as an application outside Bazel links it: one static archive of a cc_library and everything it
depends on (every Halide stage and the one Halide runtime included), with the link flags of its system
libraries, for api/BUILD's package."""

def _static_bundle_impl(ctx):
    archives = []
    flags = []
    for linker_input in ctx.attr.library[CcInfo].linking_context.linker_inputs.to_list():
        for library in linker_input.libraries:
            archive = library.static_library or library.pic_static_library
            if archive:
                archives.append(archive)
        for flag in linker_input.user_link_flags:
            if flag not in flags:
                flags.append(flag)

    # ar's MRI script merges the archives member by member (a plain `ar q` would nest them).
    script = ctx.actions.declare_file(ctx.label.name + ".mri")
    ctx.actions.write(script, "\n".join(
        ["CREATE " + ctx.outputs.archive.path] +
        ["ADDLIB " + archive.path for archive in archives] +
        ["SAVE", "END", ""],
    ))
    ctx.actions.run_shell(
        inputs = archives + [script],
        outputs = [ctx.outputs.archive],
        command = "ar -M < %s && ranlib %s" % (script.path, ctx.outputs.archive.path),
        mnemonic = "StaticBundle",
        progress_message = "Bundling %d archives into %s" % (len(archives), ctx.outputs.archive.short_path),
    )
    ctx.actions.write(ctx.outputs.link_flags, " ".join(flags) + "\n")

static_bundle = rule(
    implementation = _static_bundle_impl,
    attrs = {
        "library": attr.label(providers = [CcInfo]),
        "archive": attr.output(mandatory = True),
        "link_flags": attr.output(mandatory = True),
    },
    doc = "`archive`: the static libraries of `library` and of all its dependencies in one; `link_flags`: " +
          "the system libraries they need (their linkopts), on one line.",
)
