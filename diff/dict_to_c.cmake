# dict_to_c.cmake: a fuzzing dictionary (AFL++/libFuzzer syntax: one
# "text" or name="text" a line, \xNN, \\ and \" escapes, # comments) as a C
# table for the engine's havoc layer (mutate.c), made at build time so that
# nothing is read at run time and the two cannot disagree.
#   cmake -DIN=dict/operands.dict -DOUT=dict_tokens.c -P dict_to_c.cmake
file(STRINGS ${IN} lines)
set(body "")
set(n 0)
set(lineno 0)
foreach(line IN LISTS lines)
  math(EXPR lineno "${lineno} + 1")
  string(STRIP "${line}" line)
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()
  if(NOT line MATCHES "^([A-Za-z0-9_]*=)?\"(.*)\"$")
    message(FATAL_ERROR "${IN}:${lineno}: not a dictionary entry: ${line}")
  endif()
  set(text "${CMAKE_MATCH_2}")
  # Only the escapes both dictionaries and C read alike; \xNN ends its
  # literal, since C's \x would also eat the hex digits after it.
  if(text MATCHES "\\\\[^x\\\\\"]")
    message(FATAL_ERROR "${IN}:${lineno}: unsupported escape in ${line}")
  endif()
  string(REGEX REPLACE "\\\\x([0-9a-fA-F][0-9a-fA-F])" "\\\\x\\1\"\"" text "${text}")
  string(APPEND body "\t{\"${text}\", sizeof(\"${text}\") - 1},\n")
  math(EXPR n "${n} + 1")
endforeach()
file(WRITE ${OUT}.tmp "/* Generated from ${IN} by diff/dict_to_c.cmake: do not edit. */\n"
  "#include \"engine/engine.h\"\n\n"
  "const ddp_dict_token ddp_dict_tokens[] = {\n${body}};\n"
  "const size_t ddp_dict_ntokens = ${n};\n")
file(RENAME ${OUT}.tmp ${OUT})
