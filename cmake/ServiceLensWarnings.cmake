# Warnings for project code: strict, and errors unless SERVICELENS_WERROR is off.
function(servicelens_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           $<$<BOOL:${SERVICELENS_WERROR}>:-Werror>)
endfunction()
