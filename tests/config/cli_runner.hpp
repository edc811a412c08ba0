// Runs the servicelens CLI as a user would and captures what it printed.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace servicelens::test {

struct CliRun {
    int exit_code = -1;
    std::string output;   // stdout and stderr together
};

// `arguments` are passed through the shell: quote what needs it.
inline CliRun run_cli(const std::string &arguments, const std::string &environment = "")
{
    const std::string command = environment + " " + SL_TEST_CLI + " " + arguments + " 2>&1";
    CliRun run;
    FILE *pipe = ::popen(command.c_str(), "r");
    if (!pipe) return run;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
    const int status = ::pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

// A scratch file that is removed again.
class TempFile {
public:
    TempFile(const std::string &name, const std::string &content)
        : path_(std::filesystem::temp_directory_path() / ("servicelens-test-" + std::to_string(::getpid()) + "-" + name))
    {
        std::ofstream(path_, std::ios::binary) << content;
    }
    ~TempFile() { std::filesystem::remove(path_); }
    TempFile(const TempFile &) = delete;
    TempFile &operator=(const TempFile &) = delete;
    const std::filesystem::path &path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace servicelens::test
