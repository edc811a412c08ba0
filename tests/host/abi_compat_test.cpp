#include <servicelens/host/abi_compat.hpp>

#include <catch2/catch.hpp>

using namespace servicelens::host;
using Catch::Matchers::Contains;

TEST_CASE("the host loads every older minor of its major, any patch")
{
    CHECK_FALSE(abi_incompatibility({1, 3, 0}, {1, 0, 0}));
    CHECK_FALSE(abi_incompatibility({1, 3, 0}, {1, 3, 9}));
}

TEST_CASE("a newer minor or another major is refused with both versions")
{
    const auto newer = abi_incompatibility({1, 0, 2}, {1, 1, 0});
    REQUIRE(newer);
    CHECK_THAT(*newer, Contains("1.1.0") && Contains("1.0.2") && Contains("upgrade the host"));
    const auto older_major = abi_incompatibility({2, 0, 0}, {1, 4, 0});
    REQUIRE(older_major);
    CHECK_THAT(*older_major, Contains("majors differ") && Contains("2.x"));
}
